package io.ztna.proto.relay;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.StreamListener;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Joins two streams on two tunnels, as a gateway does. Data buffers pass from one stream to the
 * other as they are, and credit goes back to the sending side only when the buffer was written
 * to the next tunnel, so each gateway buffers at most one window per direction for a flow.
 * FIN and RESET are carried across unchanged.
 */
public final class StreamBridge {

    private final Stream downstream;
    private final Stream upstream;
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final AtomicInteger finsLeft = new AtomicInteger(2);
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Promise<RelaySummary> done = ImmediateEventExecutor.INSTANCE.newPromise();
    private final ByteCounter counter;

    private StreamBridge(Stream downstream, Stream upstream, ByteCounter counter) {
        this.downstream = downstream;
        this.upstream = upstream;
        this.counter = counter;
    }

    /**
     * Joins a stream the client side opened (still awaiting acceptance) to a stream this side
     * opened towards the app, and accepts the first.
     */
    public static StreamBridge join(Stream downstream, Stream upstream) {
        return join(downstream, upstream, ByteCounter.NONE);
    }

    /**
     * Joins two streams as {@link #join(Stream, Stream)} does, counting the bytes into
     * {@code counter} as they move.
     */
    public static StreamBridge join(Stream downstream, Stream upstream, ByteCounter counter) {
        StreamBridge bridge = new StreamBridge(downstream, upstream, counter);
        upstream.listen(bridge.new Side(upstream, downstream, bridge.bytesDown, false));
        downstream.accept(bridge.new Side(downstream, upstream, bridge.bytesUp, true));
        return bridge;
    }

    /** Completes when both directions finished or either stream was reset. */
    public Future<RelaySummary> completion() {
        return done;
    }

    /**
     * Resets both streams with the same code and reason, as when policy revokes a flow, and
     * completes the bridge with that outcome.
     */
    public void reset(ErrorCode code, String reason) {
        downstream.reset(code, reason);
        upstream.reset(code, reason);
        finish(code + ": " + reason);
    }

    private void finish(String outcome) {
        if (finished.compareAndSet(false, true)) {
            done.trySuccess(new RelaySummary(bytesUp.get(), bytesDown.get(), outcome));
        }
    }

    /** Listener on one stream that forwards into the other. */
    private final class Side implements StreamListener {

        private final Stream from;
        private final Stream to;
        private final AtomicLong total;
        /** True for the side that forwards from the client toward the app. */
        private final boolean up;

        Side(Stream from, Stream to, AtomicLong total, boolean up) {
            this.from = from;
            this.to = to;
            this.total = total;
            this.up = up;
        }

        @Override
        public void onData(Stream stream, ByteBuf data) {
            int length = data.readableBytes();
            total.addAndGet(length);
            if (up) {
                counter.up(length);
            } else {
                counter.down(length);
            }
            to.write(data).addListener(f -> from.consumed(length));
        }

        @Override
        public void onFin(Stream stream) {
            to.fin();
            if (finsLeft.decrementAndGet() == 0) {
                finish("closed");
            }
        }

        @Override
        public void onReset(Stream stream, ErrorCode code, String reason) {
            to.reset(code, reason);
            finish(code + ": " + reason);
        }
    }
}
