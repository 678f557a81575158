package io.ztna.agent.capture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.relay.RelaySummary;
import java.util.Queue;

/**
 * Relays bytes between two connected sockets of one event loop, for destinations that go
 * directly instead of through the tunnel.
 *
 * <p>Backpressure: both channels have AUTO_READ off, and a side reads its socket again only
 * while the other channel is writable. When that channel turns writable again, reading resumes.
 * So per direction at most one read buffer beyond the other channel's write high-water mark
 * waits in this process.
 *
 * <p>Half-close: EOF on one socket shuts the output of the other once its queued writes left,
 * and both close when both directions ended. An error or an abrupt close on one side closes the
 * other with SO_LINGER 0, so its peer sees a TCP reset.
 *
 * <p>Each buffer read from one side is passed to the other side's write, which releases it. All
 * state is confined to the shared event loop.
 */
final class SocketPairRelay {

    private final Side frontend;
    private final Side backend;
    private final Promise<RelaySummary> done;
    private boolean finished;

    private SocketPairRelay(Channel frontendChannel, Channel backendChannel) {
        this.frontend = new Side(frontendChannel);
        this.backend = new Side(backendChannel);
        frontend.other = backend;
        backend.other = frontend;
        this.done = frontendChannel.eventLoop().newPromise();
    }

    /**
     * Joins two connected channels and starts reading both. Call on their shared event loop.
     * What the backend's {@link HeldInbound} kept, if it has one, is relayed first.
     *
     * @param frontend the client's socket
     * @param backend the socket to the destination
     * @param early bytes already read from the frontend; they are sent to the backend first and
     *     the queue is emptied
     * @param frontendEof whether the frontend's EOF was already read
     */
    static SocketPairRelay join(Channel frontend, Channel backend, Queue<ByteBuf> early,
            boolean frontendEof) {
        if (frontend.eventLoop() != backend.eventLoop()) {
            throw new IllegalArgumentException("frontend and backend use different event loops");
        }
        SocketPairRelay relay = new SocketPairRelay(frontend, backend);
        relay.frontend.install();
        relay.backend.install();
        relay.frontend.takeOver(early, frontendEof, false);
        HeldInbound held = backend.pipeline().get(HeldInbound.class);
        if (held != null) {
            relay.backend.takeOver(held.kept(), held.inputShutdown(), held.failed());
            backend.pipeline().remove(held);
        }
        relay.frontend.start();
        relay.backend.start();
        return relay;
    }

    /** Completes when both sockets closed, with the byte counts and how the flow ended. */
    Future<RelaySummary> completion() {
        return done;
    }

    private void closeIfDone() {
        if (finished || !frontend.inputDone || !frontend.outputDone || !backend.inputDone
                || !backend.outputDone) {
            return;
        }
        finished = true;
        frontend.channel.close();
        backend.channel.close();
        done.trySuccess(summary("closed"));
    }

    /** Ends the relay abruptly: the side that failed closes, the other side is reset. */
    private void abort(Side failed, String reason) {
        if (finished) {
            return;
        }
        finished = true;
        Channel other = failed.other.channel;
        if (other.isActive()) {
            other.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        other.close();
        failed.channel.close();
        done.trySuccess(summary(reason));
    }

    private RelaySummary summary(String outcome) {
        return new RelaySummary(frontend.bytesRead, backend.bytesRead, outcome);
    }

    /** One socket of the pair: reads it and writes what it read to the other socket. */
    private final class Side extends ChannelInboundHandlerAdapter {

        private final Channel channel;
        private Side other;
        private long bytesRead;
        private boolean inputDone;
        private boolean outputDone;
        private boolean waitingForWritable;
        /** The last write onto this side's channel; its output shuts only after it. */
        private ChannelFuture lastWrite;

        Side(Channel channel) {
            this.channel = channel;
        }

        void install() {
            channel.config().setAutoRead(false);
            channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            channel.pipeline().addLast(this);
        }

        /** Relays input that was read before the relay joined; empties {@code early}. */
        void takeOver(Queue<ByteBuf> early, boolean eof, boolean failed) {
            ByteBuf data;
            while ((data = early.poll()) != null) {
                if (finished) {
                    data.release();
                } else {
                    forward(data);
                }
            }
            other.channel.flush();
            if (failed) {
                abort(this, "read failed before the relay started");
            } else if (eof) {
                onInputShutdown();
            }
        }

        void start() {
            if (finished) {
                return;
            }
            if (!channel.isActive()) {
                abort(this, "connection closed before the relay started");
            } else if (!inputDone) {
                channel.read();
            }
        }

        /** Writes {@code data} to the other side's channel without flushing. */
        void forward(ByteBuf data) {
            bytesRead += data.readableBytes();
            ChannelFuture write = other.channel.write(data);
            other.lastWrite = write;
            write.addListener(f -> {
                if (!f.isSuccess()) {
                    abort(other, "write failed: " + f.cause());
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (finished || !(msg instanceof ByteBuf data)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            forward(data);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            other.channel.flush();
            if (finished || inputDone) {
                return;
            }
            if (other.channel.isWritable()) {
                channel.read();
            } else {
                waitingForWritable = true;
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (channel.isWritable() && other.waitingForWritable && !finished) {
                other.waitingForWritable = false;
                other.channel.read();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                onInputShutdown();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        private void onInputShutdown() {
            if (inputDone || finished) {
                return;
            }
            inputDone = true;
            other.channel.flush();
            ChannelFuture pending = other.lastWrite;
            if (pending == null || pending.isDone()) {
                other.shutdownOutput();
            } else {
                pending.addListener(f -> other.shutdownOutput());
            }
        }

        /** Sends FIN on this side's socket; shutting output earlier would fail queued writes. */
        private void shutdownOutput() {
            if (finished) {
                return;
            }
            ((DuplexChannel) channel).shutdownOutput().addListener(f -> {
                if (!f.isSuccess()) {
                    abort(this, "shutdown of output failed: " + f.cause());
                    return;
                }
                outputDone = true;
                closeIfDone();
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            abort(this, cause.toString());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            abort(this, "connection closed");
            ctx.fireChannelInactive();
        }
    }
}
