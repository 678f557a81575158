package io.ztna.proto.mux;

import io.ztna.proto.frame.ErrorCode;
import io.netty.buffer.ByteBuf;

/**
 * Receives the events of one stream, always on the tunnel's event loop, in wire order.
 *
 * <p>{@link #onData} hands over a buffer that the listener must release or pass on, and the
 * listener calls {@link Stream#consumed(int)} once those bytes have left this process (written
 * to the next socket or tunnel). That call returns credit to the peer, so the bytes buffered for
 * a stream never exceed its window.
 */
public interface StreamListener {

    void onData(Stream stream, ByteBuf data);

    /** The peer half-closed: it sends no more data but still reads. */
    void onFin(Stream stream);

    /** The peer reset the stream or the tunnel went away; the stream is closed. */
    void onReset(Stream stream, ErrorCode code, String reason);

    /** The stream's send queue fell below its low-water mark; see {@link Stream#isWritable()}. */
    default void onWritable(Stream stream) {
    }
}
