package io.ztna.proto.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
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
 *
 * <p>A bridge made with {@link #early} forwards the client side's early data while the next hop
 * is still opening: {@link #attach} names the stream of each open attempt as soon as its OPEN
 * is written, and {@link #connect} completes the join once one attempt succeeded. The early
 * bytes are kept until then, so an attempt retried on another tunnel sends them again.
 */
public final class StreamBridge {

    private final Stream downstream;
    private volatile Stream upstream;
    /** Early bytes from the downstream, null once joined. Used on the downstream's loop only. */
    private EarlyData early = new EarlyData();
    /** True once the downstream has a listener. Used on the downstream's loop only. */
    private boolean reading;
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final AtomicInteger finsLeft = new AtomicInteger(2);
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Promise<RelaySummary> done = ImmediateEventExecutor.INSTANCE.newPromise();
    private final ByteCounter counter;

    private StreamBridge(Stream downstream, ByteCounter counter) {
        this.downstream = downstream;
        this.counter = counter;
    }

    /**
     * Joins a stream the client side opened (still awaiting acceptance) to a stream this side
     * opened towards the app and that is connected, and accepts the first.
     */
    public static StreamBridge join(Stream downstream, Stream upstream) {
        StreamBridge bridge = early(downstream, ByteCounter.NONE);
        bridge.connect(upstream);
        return bridge;
    }

    /**
     * Starts a bridge for a stream the client side opened, before the next hop is open. Nothing
     * is read from {@code downstream} until the first {@link #attach}.
     */
    public static StreamBridge early(Stream downstream, ByteCounter counter) {
        return new StreamBridge(downstream, counter);
    }

    /**
     * Makes {@code next}, whose OPEN was just written, the stream of the current attempt: the
     * early bytes so far are written to it, and those that follow. May be called from any
     * thread.
     */
    public void attach(Stream next) {
        onDownstreamLoop(() -> {
            if (early == null || finished.get()) {
                return;
            }
            upstream = next;
            early.attach(next);
            if (!reading) {
                reading = true;
                downstream.listen(new Side(downstream, true));
            }
        });
    }

    /**
     * Completes an early bridge once {@code opened}, the stream of the last attempt, connected:
     * accepts the downstream and starts the other direction. May be called from any thread.
     */
    public void connect(Stream opened) {
        upstream = opened;
        onDownstreamLoop(() -> {
            if (early != null) {
                early.settle();
                early = null;
            }
            if (finished.get()) {
                opened.reset(ErrorCode.CANCEL, "client side closed before the open result");
                return;
            }
            opened.listen(new Side(opened, false));
            downstream.accept(new Side(downstream, true));
        });
    }

    /**
     * Drops the early bytes of a bridge whose every attempt failed. The caller rejects the
     * downstream. May be called from any thread.
     */
    public void abandon() {
        onDownstreamLoop(() -> {
            if (early != null) {
                early.settle();
                early = null;
            }
        });
    }

    private void onDownstreamLoop(Runnable task) {
        if (downstream.tunnel().channel().eventLoop().inEventLoop()) {
            task.run();
        } else {
            downstream.tunnel().channel().eventLoop().execute(task);
        }
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
        Stream next = upstream;
        if (next != null) {
            next.reset(code, reason);
        }
        finish(code + ": " + reason);
    }

    private void finish(String outcome) {
        if (finished.compareAndSet(false, true)) {
            done.trySuccess(new RelaySummary(bytesUp.get(), bytesDown.get(), outcome));
        }
    }

    /**
     * Listener on one stream that forwards into the other. The up side runs on the downstream's
     * loop and sends through the early data while the next hop is opening.
     */
    private final class Side implements StreamListener {

        private final Stream from;
        /** True for the side that forwards from the client toward the app. */
        private final boolean up;

        Side(Stream from, boolean up) {
            this.from = from;
            this.up = up;
        }

        @Override
        public void onData(Stream stream, ByteBuf data) {
            int length = data.readableBytes();
            if (up) {
                bytesUp.addAndGet(length);
                counter.up(length);
            } else {
                bytesDown.addAndGet(length);
                counter.down(length);
            }
            if (up && early != null) {
                ChannelFuture written = early.write(data);
                if (written == null) {
                    from.consumed(length);
                } else {
                    written.addListener(f -> from.consumed(length));
                }
                return;
            }
            to().write(data).addListener(f -> from.consumed(length));
        }

        @Override
        public void onFin(Stream stream) {
            if (up && early != null) {
                early.fin();
            } else {
                to().fin();
            }
            if (finsLeft.decrementAndGet() == 0) {
                finish("closed");
            }
        }

        @Override
        public void onReset(Stream stream, ErrorCode code, String reason) {
            Stream to = to();
            if (to != null) {
                to.reset(code, reason);
            }
            finish(code + ": " + reason);
        }

        private Stream to() {
            return up ? upstream : downstream;
        }
    }
}
