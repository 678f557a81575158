package io.ztna.proto.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.StreamListener;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins a TCP socket to a tunnel stream, in both directions.
 *
 * <p>Socket to stream: the socket is read only while the stream is writable (auto-read off), so
 * a slow tunnel stops the reads. Socket EOF becomes FIN; an abrupt close or error becomes RESET
 * with {@code resetCode}.
 *
 * <p>Stream to socket: each buffer is written as received and its credit returned once the
 * kernel took it, so at most one stream window waits here for a slow socket. FIN shuts the
 * socket's output after the last write; RESET closes it with SO_LINGER 0, so the peer sees a
 * TCP reset.
 *
 * <p>Socket-side state is confined to the socket's event loop; stream events are moved there.
 * Buffers are passed on, never copied.
 *
 * <p>The caller creates the socket with {@code AUTO_READ} off and {@code ALLOW_HALF_CLOSURE} on,
 * at accept or connect time, and starts the relay before the socket's peer can send EOF. The
 * native epoll transport (Netty 4.2) reads pending bytes and EOF when the peer half-closes, even
 * with {@code AUTO_READ} off, so bytes that arrive before the relay starts are dropped by the
 * pipeline. The relay therefore resets the stream, rather than send a truncated flow, when the
 * socket is already closed or its input already shut down as it starts.
 *
 * <p>TODO: hold early bytes and EOF from accept time, so that transparent capture, where the
 * client sends before the stream is open, keeps a request sent with an immediate half-close.
 */
public final class SocketStreamRelay extends ChannelInboundHandlerAdapter
        implements StreamListener {

    private static final Logger log = LoggerFactory.getLogger(SocketStreamRelay.class);

    private final Channel socket;
    private final Stream stream;
    private final ErrorCode resetCode;
    /** True when the socket leads to the client, false when it leads to the app. */
    private final boolean clientSocket;
    private final Promise<RelaySummary> done;
    private final ByteCounter counter;
    private long bytesFromSocket;
    private long bytesToSocket;
    private boolean inputDone;
    private boolean outputDone;
    private boolean waitingForStream;
    private boolean finished;
    private ChannelFuture lastWrite;
    private boolean flushScheduled;

    private SocketStreamRelay(Channel socket, Stream stream, ErrorCode resetCode,
            boolean clientSocket, ByteCounter counter, long earlyBytes) {
        this.bytesFromSocket = earlyBytes;
        this.socket = socket;
        this.counter = counter;
        this.clientSocket = clientSocket;
        this.stream = stream;
        this.resetCode = resetCode;
        this.done = socket.eventLoop().newPromise();
    }

    /**
     * Starts relaying between a connected socket and a stream this side opened.
     *
     * @param resetCode code sent on the stream when the socket closes abruptly
     */
    public static SocketStreamRelay forOpenedStream(
            Channel socket, Stream stream, ErrorCode resetCode) {
        return forOpenedStream(socket, stream, resetCode, ByteCounter.NONE);
    }

    /**
     * Starts relaying between a connected socket and a stream this side opened, counting the
     * bytes into {@code counter} as they move.
     */
    public static SocketStreamRelay forOpenedStream(
            Channel socket, Stream stream, ErrorCode resetCode, ByteCounter counter) {
        return forOpenedStream(socket, stream, resetCode, counter, 0);
    }

    /**
     * Starts relaying as {@link #forOpenedStream(Channel, Stream, ErrorCode, ByteCounter)} does,
     * for a flow whose first {@code earlyBytes} from the socket were sent as early data ahead
     * of the open result. They count in the summary as read from the socket, and not again in
     * {@code counter}, which the sender counted them into as they left.
     */
    public static SocketStreamRelay forOpenedStream(Channel socket, Stream stream,
            ErrorCode resetCode, ByteCounter counter, long earlyBytes) {
        SocketStreamRelay relay = install(socket, stream, resetCode, true, counter, earlyBytes);
        stream.listen(relay);
        return relay;
    }

    /** Starts relaying between a connected socket and a stream the peer opened, accepting it. */
    public static SocketStreamRelay forAcceptedStream(
            Channel socket, Stream stream, ErrorCode resetCode) {
        return forAcceptedStream(socket, stream, resetCode, ByteCounter.NONE);
    }

    /**
     * Starts relaying between a connected socket and a stream the peer opened, accepting it and
     * counting the bytes into {@code counter} as they move.
     */
    public static SocketStreamRelay forAcceptedStream(
            Channel socket, Stream stream, ErrorCode resetCode, ByteCounter counter) {
        SocketStreamRelay relay = install(socket, stream, resetCode, false, counter, 0);
        stream.accept(relay);
        return relay;
    }

    private static SocketStreamRelay install(Channel socket, Stream stream, ErrorCode code,
            boolean clientSocket, ByteCounter counter, long earlyBytes) {
        SocketStreamRelay relay =
                new SocketStreamRelay(socket, stream, code, clientSocket, counter, earlyBytes);
        // A handler added from another thread may miss the socket's events until its
        // handlerAdded task runs, so the relay joins the pipeline on the socket's loop.
        relay.onSocketLoop(() -> {
            socket.config().setAutoRead(false);
            socket.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            EarlyInbound early = socket.pipeline().get(EarlyInbound.class);
            socket.pipeline().addLast(relay);
            if (early != null) {
                relay.takeOver(early);
            }
            relay.start();
        });
        return relay;
    }

    /** Forwards what arrived before the relay joined, then stops keeping. */
    private void takeOver(EarlyInbound early) {
        for (Object msg : early.takeMessages()) {
            channelRead(null, msg);
        }
        boolean inputShutdown = early.inputShutdown();
        boolean inactive = early.inactive();
        socket.pipeline().remove(early);
        if (inactive) {
            abort("connection closed before the relay started");
        } else if (inputShutdown) {
            inputDone = true;
            stream.fin();
        }
    }

    /** Starts reading, or resets the stream when the socket closed before the relay joined. */
    private void start() {
        if (finished || inputDone) {
            return;
        }
        if (!socket.isActive()) {
            abort("connection closed before the relay started");
        } else if (((DuplexChannel) socket).isInputShutdown()) {
            abort("input shut down before the relay started");
        } else {
            socket.read();
        }
    }

    /** Completes when the socket closed, with the byte counts and how the flow ended. */
    public Future<RelaySummary> completion() {
        return done;
    }

    // Socket side, on the socket's event loop.

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        int length = data.readableBytes();
        bytesFromSocket += length;
        if (clientSocket) {
            counter.up(length);
        } else {
            counter.down(length);
        }
        stream.write(data);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (inputDone || finished) {
            return;
        }
        if (stream.isWritable()) {
            ctx.read();
        } else {
            waitingForStream = true;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputDone = true;
            stream.fin();
            closeIfDone();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{} relay socket error: flow={} error={}",
                    socket.id().asShortText(), stream.metadata().flowId(), cause.toString());
        } else {
            log.warn("{} relay failed: flow={}", socket.id().asShortText(),
                    stream.metadata().flowId(), cause);
        }
        abort(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            abort("connection closed");
        }
    }

    private void abort(String reason) {
        if (finished) {
            return;
        }
        finished = true;
        stream.reset(resetCode, reason);
        socket.close();
        done.trySuccess(summary(resetCode + ": " + reason));
    }

    /** Counts bytes from the client as up, whichever side of the flow this socket is on. */
    private RelaySummary summary(String outcome) {
        return clientSocket
                ? new RelaySummary(bytesFromSocket, bytesToSocket, outcome)
                : new RelaySummary(bytesToSocket, bytesFromSocket, outcome);
    }

    private void closeIfDone() {
        if (inputDone && outputDone && !finished) {
            finished = true;
            socket.close();
            done.trySuccess(summary("closed"));
        }
    }

    // Stream side: called on the tunnel's event loop, moved to the socket's.

    @Override
    public void onData(Stream stream, ByteBuf data) {
        onSocketLoop(() -> {
            int length = data.readableBytes();
            if (finished) {
                data.release();
                stream.consumed(length);
                return;
            }
            bytesToSocket += length;
            if (clientSocket) {
                counter.down(length);
            } else {
                counter.up(length);
            }
            lastWrite = socket.write(data);
            lastWrite.addListener(f -> stream.consumed(length));
            requestFlush();
        });
    }

    /**
     * Flushes once per event-loop task batch rather than per frame, so the frames of one tunnel
     * read leave in one system call.
     */
    private void requestFlush() {
        if (flushScheduled) {
            return;
        }
        flushScheduled = true;
        socket.eventLoop().execute(() -> {
            flushScheduled = false;
            socket.flush();
        });
    }

    @Override
    public void onFin(Stream stream) {
        onSocketLoop(() -> {
            if (finished) {
                return;
            }
            ChannelFuture previous = lastWrite;
            if (previous == null || previous.isDone()) {
                shutdownOutput();
            } else {
                previous.addListener(f -> shutdownOutput());
            }
        });
    }

    private void shutdownOutput() {
        if (finished) {
            return;
        }
        if (inputDone) {
            // Both directions ended and the last write is in the kernel, so a close sends the
            // same FIN without the half-close, which costs a system call and an exception.
            outputDone = true;
            closeIfDone();
            return;
        }
        ((DuplexChannel) socket).shutdownOutput().addListener(f -> {
            outputDone = true;
            closeIfDone();
        });
    }

    @Override
    public void onReset(Stream stream, ErrorCode code, String reason) {
        onSocketLoop(() -> {
            if (finished) {
                return;
            }
            finished = true;
            log.debug("{} relay reset by tunnel: flow={} code={} reason={}",
                    socket.id().asShortText(), stream.metadata().flowId(), code, reason);
            if (socket.isActive()) {
                socket.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            socket.close();
            done.trySuccess(summary(code + ": " + reason));
        });
    }

    @Override
    public void onWritable(Stream stream) {
        onSocketLoop(() -> {
            if (waitingForStream && !finished && !inputDone) {
                waitingForStream = false;
                socket.read();
            }
        });
    }

    private void onSocketLoop(Runnable task) {
        if (socket.eventLoop().inEventLoop()) {
            task.run();
        } else {
            socket.eventLoop().execute(task);
        }
    }
}
