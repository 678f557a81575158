package io.ztna.proto.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.ztna.proto.mux.Stream;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes and FIN that the client side of a flow sent before the flow's open succeeded. Each
 * is written to the stream of the current open attempt as it arrives, and a copy stays here
 * until the open settles. An open retried on another stream, after a tunnel went away, then
 * sends the same bytes again without losing or repeating any.
 *
 * <p>The copies share the buffers' memory. They are bounded by the credit of the reading side:
 * the caller returns credit, or reads on, only as the stream's writes complete, so at most the
 * stream window plus the stream's write queue is held.
 *
 * <p>Confined to the event loop that reads the client side; callers on other loops move there.
 */
public final class EarlyData {

    private final List<ByteBuf> copies = new ArrayList<>(2);
    private long bytes;
    private boolean fin;
    private Stream stream;
    private boolean settled;

    /**
     * Writes {@code data} to the current stream and keeps a copy; takes ownership. Returns the
     * stream's write future, or null when no stream is attached yet.
     *
     * @throws IllegalStateException after {@link #settle()}
     */
    public ChannelFuture write(ByteBuf data) {
        checkOpen();
        bytes += data.readableBytes();
        copies.add(data.retainedDuplicate());
        if (stream == null) {
            data.release();
            return null;
        }
        return stream.write(data);
    }

    /** Half-closes the current stream, and each stream attached later, after the data. */
    public void fin() {
        checkOpen();
        fin = true;
        if (stream != null) {
            stream.fin();
        }
    }

    /**
     * Makes {@code next} the stream of the current attempt: writes it every copy so far,
     * in order, and later data as it arrives. The previous stream, whose open failed, is left
     * as it is. Does nothing once settled, or when {@code next} is attached already.
     */
    public void attach(Stream next) {
        if (settled || stream == next) {
            return;
        }
        stream = next;
        for (ByteBuf data : copies) {
            next.write(data.retainedDuplicate());
        }
        if (fin) {
            next.fin();
        }
    }

    /** Returns the bytes written here, each counted once however many attempts sent it. */
    public long bytes() {
        return bytes;
    }

    /** True once the client side half-closed. */
    public boolean finished() {
        return fin;
    }

    /** True once the open settled, either way. Nothing more may be written here then. */
    public boolean isSettled() {
        return settled;
    }

    /**
     * Drops the copies once the open settled: it succeeded, so the stream has all bytes, or it
     * failed for good. Later calls do nothing.
     */
    public void settle() {
        if (settled) {
            return;
        }
        settled = true;
        for (ByteBuf data : copies) {
            data.release();
        }
        copies.clear();
        stream = null;
    }

    private void checkOpen() {
        if (settled) {
            throw new IllegalStateException("early data already settled");
        }
    }
}
