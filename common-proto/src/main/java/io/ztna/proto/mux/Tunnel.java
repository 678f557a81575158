package io.ztna.proto.mux;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.ztna.proto.frame.ControlFrame;
import io.ztna.proto.frame.DataFrame;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FinFrame;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.Frame;
import io.ztna.proto.frame.FrameDecoder;
import io.ztna.proto.frame.FrameEncoder;
import io.ztna.proto.frame.GoAwayFrame;
import io.ztna.proto.frame.HelloFrame;
import io.ztna.proto.frame.OpenFrame;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.frame.OpenResultFrame;
import io.ztna.proto.frame.PingFrame;
import io.ztna.proto.frame.ProtocolException;
import io.ztna.proto.frame.ResetFrame;
import io.ztna.proto.frame.TunnelSettings;
import io.ztna.proto.frame.WindowUpdateFrame;
import io.ztna.proto.log.ErrorMessages;
import io.ztna.proto.log.LogAddresses;
import io.ztna.proto.log.LogLimiter;
import io.ztna.proto.tls.TlsFailures;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream multiplexer at one end of a tunnel: the last handler of the pipeline, after TLS
 * and the frame codec.
 *
 * <p>All state lives on the channel's event loop; public methods may be called from any thread.
 * Streams opened by the TLS client have odd ids, those opened by the server even ids.
 *
 * <p>Sending: data frames leave only while the channel is writable and both the stream and the
 * tunnel have credit; streams with queued data take turns one frame at a time. Control frames
 * (WINDOW_UPDATE, PING, RESET, GOAWAY) bypass that queue. Writes are flushed once per event-loop
 * task or read batch, so frames written together share TLS records.
 *
 * <p>Receiving: credit is returned when the consumer calls {@link Stream#consumed}. A stream
 * that closes returns its unconsumed bytes to the tunnel window at once, so a reset never leaks
 * tunnel credit.
 *
 * <p>Liveness: a PING goes out every ping interval; the tunnel is declared dead when nothing at
 * all was read for the dead-peer timeout, so a tunnel busy with data is never mistaken for a
 * dead one while its pings wait behind that data.
 */
public final class Tunnel extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Tunnel.class);

    /**
     * Limits protocol error lines to 5 per remote host and minute, so that a peer sending
     * malformed frames in a loop cannot flood the log. Lines held back are counted into the next.
     */
    private static final LogLimiter PROTOCOL_ERROR_LOG =
            new LogLimiter(5, Duration.ofMinutes(1), Clock.systemUTC());
    /**
     * Limits TLS failure lines to 5 per remote host and minute, so that a peer failing in a loop
     * cannot flood the log. Lines held back are counted into the next.
     */
    private static final LogLimiter TLS_FAILURE_LOG =
            new LogLimiter(5, Duration.ofMinutes(1), Clock.systemUTC());
    private static final Logger frameLog = LoggerFactory.getLogger("io.ztna.proto.frame");
    /** Largest control message accepted after joining its pieces, in characters. */
    static final int MAX_CONTROL_LENGTH = 16 * 1024 * 1024;
    private static final long CLOSE_GRACE_MILLIS = 1_000;
    private static final int LAST_STREAM_ID = 0x7fff_ffff;

    private final Channel channel;
    private final boolean initiator;
    private final TunnelOptions options;
    private final TunnelSettings local;
    private final TunnelListener listener;
    private final String peer;
    private final Promise<Tunnel> ready;
    private final IntObjectHashMap<Stream> streams = new IntObjectHashMap<>();
    private final ArrayDeque<Stream> sendQueue = new ArrayDeque<>();
    private final Runnable flushTask = this::flushNow;

    private ChannelHandlerContext ctx;
    private TunnelSettings remote;
    private int nextStreamId;
    private int lastPeerStreamId;
    private long tunnelSendWindow;
    private long tunnelRecvRemaining;
    private long tunnelUnacked;
    private long windowGrowth;
    private boolean sending;
    private boolean inRead;
    private boolean needsFlush;
    private boolean flushScheduled;
    private long lastReadNanos;
    private volatile long rttNanos = -1;
    private ScheduledFuture<?> keepalive;
    private StringBuilder controlPieces;
    private boolean goAwaySent;
    private volatile boolean goAwayReceived;
    private volatile boolean closed;
    private volatile String closeReason;
    private volatile Throwable failure;

    /**
     * Creates the multiplexer for {@code channel}; {@link #install()} adds it to the pipeline.
     *
     * @param initiator true on the side that opened the TLS connection
     * @param peer how logs name the peer, for example its SPIFFE id
     */
    public Tunnel(Channel channel, boolean initiator, TunnelOptions options,
            TunnelListener listener, String peer) {
        this.channel = channel;
        this.initiator = initiator;
        this.options = options;
        this.local = options.settings();
        this.listener = listener;
        this.peer = peer;
        this.ready = channel.eventLoop().newPromise();
        this.nextStreamId = initiator ? 1 : 2;
        this.tunnelRecvRemaining = local.tunnelWindow();
    }

    /** Adds the frame codec and this multiplexer at the end of the channel's pipeline. */
    public Tunnel install() {
        channel.pipeline()
                .addLast(new FrameDecoder(local.maxFrameLength()))
                .addLast(FrameEncoder.INSTANCE)
                .addLast(this);
        return this;
    }

    public Channel channel() {
        return channel;
    }

    public String peer() {
        return peer;
    }

    /**
     * Returns why the tunnel closed: the reason of the GOAWAY sent or received, or
     * {@code connection lost: ...} or {@code TLS failed: ...} when the connection ended without
     * one. Returns {@code closed} while the tunnel is open.
     */
    public String closeReason() {
        String reason = closeReason;
        if (reason != null) {
            return reason;
        }
        return channel.isOpen() ? "closed" : connectionLost(null);
    }

    /**
     * Returns the error that closed the tunnel, such as an I/O or TLS error, or null while it is
     * open or when it closed without one.
     */
    public Throwable failure() {
        return failure;
    }

    /**
     * Completes when both sides exchanged HELLO, or fails when the tunnel closed before: with the
     * error that closed it, or a {@link ClosedChannelException} when none did.
     */
    public Future<Tunnel> readyFuture() {
        return ready;
    }

    public boolean isActive() {
        return !closed && ready.isSuccess();
    }

    /** True when this tunnel takes new streams: up, and no GOAWAY sent or received. */
    public boolean acceptsNewStreams() {
        return isActive() && !goAwayReceived && !goAwaySent;
    }

    /** Returns the smoothed PING round trip in nanoseconds, or -1 before the first PING ACK. */
    public long rttNanos() {
        return rttNanos;
    }

    /**
     * Opens a stream for a flow. The future succeeds once the peer replies CONNECTED, and fails
     * with {@link FlowOpenException} naming the result otherwise, including TIMED_OUT after the
     * open timeout and GOING_AWAY when the tunnel closes first.
     */
    public Future<Stream> open(FlowMetadata metadata) {
        return open(metadata, null);
    }

    /**
     * Opens a stream for a flow as {@link #open(FlowMetadata)} does, and passes the stream to
     * {@code openSent} on this tunnel's event loop as soon as the OPEN is written, so that the
     * caller can write the flow's first bytes without waiting for the result. They leave at once
     * when the peer announced early data in its HELLO, and after CONNECTED otherwise. When the
     * open fails, the stream drops what it still holds; a caller that retries elsewhere keeps
     * its own copy.
     */
    public Future<Stream> open(FlowMetadata metadata, Consumer<Stream> openSent) {
        Promise<Stream> promise = channel.eventLoop().newPromise();
        execute(() -> doOpen(metadata, promise, openSent));
        return promise;
    }

    /** Sends a control message, split into pieces when it exceeds one frame. */
    public void sendControl(String json) {
        execute(() -> doSendControl(json));
    }

    /**
     * Starts a graceful drain: sends GOAWAY, rejects new streams, lets open streams finish and
     * closes when none is left or after the drain timeout.
     */
    public void shutdownGracefully(String reason) {
        execute(() -> {
            if (closed || goAwaySent) {
                return;
            }
            goAwaySent = true;
            closeReason = reason;
            log.info("{} tunnel draining: peer={} streams={} reason={}",
                    id(), peer, streams.size(), reason);
            writeFrame(new GoAwayFrame(lastPeerStreamId, ErrorCode.NO_ERROR, reason));
            flushNow();
            if (streams.isEmpty()) {
                closeAfterFlush();
            } else {
                channel.eventLoop().schedule(this::closeAfterFlush,
                        options.drainTimeoutMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Closes the tunnel at once with GOAWAY carrying {@code code}. */
    public void close(ErrorCode code, String reason) {
        execute(() -> goAwayAndClose(code, reason));
    }

    /** Number of open streams; for tests and status output. */
    public int streamCount() {
        return streams.size();
    }

    /** Send credit the peer granted for the whole tunnel, in bytes; read on the event loop. */
    long tunnelSendWindow() {
        return tunnelSendWindow;
    }

    /** Receive credit this side granted and the peer has not used, in bytes. */
    long tunnelRecvRemaining() {
        return tunnelRecvRemaining + tunnelUnacked;
    }

    /** Returns a snapshot of counters, taken on the event loop. */
    public Future<TunnelStats> stats() {
        Promise<TunnelStats> promise = channel.eventLoop().newPromise();
        execute(() -> {
            long unconsumed = 0;
            for (Stream stream : streams.values()) {
                unconsumed += stream.unconsumedBytes;
            }
            promise.setSuccess(new TunnelStats(streams.size(), tunnelSendWindow,
                    tunnelRecvRemaining + tunnelUnacked, unconsumed, rttNanos));
        });
        return promise;
    }

    @Override
    public String toString() {
        return "Tunnel(" + id() + ", peer=" + peer + ", streams=" + streams.size() + ")";
    }

    // Channel events.

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (channel.isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (keepalive != null) {
            return;
        }
        lastReadNanos = nanoTime();
        writeFrame(new HelloFrame(local));
        keepalive = channel.eventLoop().scheduleAtFixedRate(this::keepaliveTick,
                options.pingIntervalMillis(), options.pingIntervalMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = nanoTime();
        inRead = true;
        Frame frame = (Frame) msg;
        if (frameLog.isTraceEnabled()) {
            frameLog.trace("{} << {}", id(), frame);
        }
        if (closed) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        try {
            dispatch(frame);
        } catch (ProtocolException e) {
            protocolError(e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inRead = false;
        if (needsFlush) {
            flushNow();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            drainSendQueue();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof ProtocolException e) {
            protocolError(e);
            return;
        }
        failure = cause;
        String tlsFailure = TlsFailures.describe(cause);
        if (tlsFailure != null) {
            logTlsFailure(cause, tlsFailure);
            closeReason = tlsFailure;
        } else if (cause instanceof IOException) {
            log.debug("{} tunnel I/O error: peer={} error={}", id(), peer, cause.toString());
            closeReason = connectionLost(cause);
        } else {
            log.warn("{} tunnel failed: peer={}", id(), peer, cause);
            closeReason = cause.toString();
        }
        ctx.close();
    }

    /**
     * Logs a TLS failure in one line, with its stack trace at DEBUG only. Before HELLO on the
     * dialling side the line is DEBUG too, because the dialling code reports the failed attempt
     * from the ready future or {@link #failure()}.
     */
    private void logTlsFailure(Throwable cause, String tlsFailure) {
        log.debug("{} tunnel TLS failure: peer={}", id(), peer, cause);
        if (initiator && !ready.isDone()) {
            return;
        }
        long suppressed = TLS_FAILURE_LOG.acquire(LogAddresses.host(channel.remoteAddress()));
        if (suppressed != LogLimiter.SUPPRESSED) {
            log.warn("{} tunnel failed: peer={} error=\"{}\" suppressed={}",
                    id(), peer, tlsFailure, suppressed);
        }
    }

    /**
     * Returns the close reason of a connection that ended without GOAWAY, such as
     * {@code connection lost: Connection reset by peer}: the message only, without the native
     * call that Netty's epoll transport puts before it.
     */
    private static String connectionLost(Throwable cause) {
        if (cause == null) {
            return "connection lost: closed without GOAWAY";
        }
        return "connection lost: " + ErrorMessages.withoutNativeCall(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        closeReason = closeReason();
        if (keepalive != null) {
            keepalive.cancel(false);
        }
        List<Stream> open = new ArrayList<>(streams.values());
        for (Stream stream : open) {
            if (stream.state() == Stream.State.OPENING) {
                stream.openPromise.tryFailure(
                        new FlowOpenException(OpenResult.GOING_AWAY, "tunnel closed: " + closeReason));
            } else {
                stream.deliver(new Stream.ResetEvent(ErrorCode.PEER_GONE,
                        "tunnel to " + peer + " closed: " + closeReason));
            }
            closeStream(stream);
        }
        ready.tryFailure(failure != null ? failure : new ClosedChannelException());
        log.debug("{} tunnel closed: peer={} reason={}", id(), peer, closeReason);
        listener.onClosed(this, closeReason);
        ctx.fireChannelInactive();
    }

    // Frame handling.

    private void dispatch(Frame frame) throws ProtocolException {
        if (remote == null && !(frame instanceof HelloFrame)) {
            io.netty.util.ReferenceCountUtil.release(frame);
            throw new ProtocolException(
                    ErrorCode.PROTOCOL_ERROR, frame.type() + " frame before HELLO");
        }
        switch (frame.type()) {
            case DATA -> onData((DataFrame) frame);
            case OPEN -> onOpen((OpenFrame) frame);
            case OPEN_RESULT -> onOpenResult((OpenResultFrame) frame);
            case FIN -> onFin((FinFrame) frame);
            case RESET -> onReset((ResetFrame) frame);
            case WINDOW_UPDATE -> onWindowUpdate((WindowUpdateFrame) frame);
            case PING -> onPing((PingFrame) frame);
            case GOAWAY -> onGoAway((GoAwayFrame) frame);
            case HELLO -> onHello((HelloFrame) frame);
            case CONTROL -> onControl((ControlFrame) frame);
            default -> throw new ProtocolException(
                    ErrorCode.INTERNAL_ERROR, "no handler for " + frame.type());
        }
    }

    private void onHello(HelloFrame hello) throws ProtocolException {
        if (remote != null) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "second HELLO frame");
        }
        remote = hello.settings();
        tunnelSendWindow = remote.tunnelWindow();
        writeFrame(new PingFrame(nanoTime(), false));
        ready.trySuccess(this);
        listener.onReady(this);
    }

    private void onData(DataFrame frame) throws ProtocolException {
        int length = frame.content().readableBytes();
        if (length > tunnelRecvRemaining) {
            frame.release();
            throw new ProtocolException(ErrorCode.FLOW_CONTROL_ERROR, "DATA of " + length
                    + " bytes exceeds the tunnel window of " + tunnelRecvRemaining + " bytes");
        }
        tunnelRecvRemaining -= length;
        Stream stream = lookup(frame);
        if (stream == null) {
            frame.release();
            returnTunnelCredit(length);
            return;
        }
        if (!mayReceive(stream) || stream.finReceived) {
            frame.release();
            throw new ProtocolException(ErrorCode.STREAM_CLOSED, "DATA on stream "
                    + stream.id() + " in state " + stream.state()
                    + (stream.finReceived ? " after FIN" : ""));
        }
        if (length > stream.recvRemaining) {
            frame.release();
            throw new ProtocolException(ErrorCode.FLOW_CONTROL_ERROR, "DATA of " + length
                    + " bytes exceeds the window of stream " + stream.id() + " ("
                    + stream.recvRemaining + " bytes)");
        }
        stream.recvRemaining -= length;
        stream.unconsumedBytes += length;
        if (length == 0) {
            frame.release();
            return;
        }
        stream.deliver(frame.content());
    }

    /**
     * Returns whether DATA and FIN may arrive on {@code stream}: once it is open, and before
     * this side replied to the peer's OPEN when this side announced early data. Early bytes wait
     * in the stream until a listener is set, and are dropped with their credit returned when
     * the open is rejected.
     */
    private boolean mayReceive(Stream stream) {
        return stream.state() == Stream.State.OPEN
                || stream.state() == Stream.State.AWAITING_ACCEPT && local.earlyData();
    }

    /**
     * Returns whether DATA and FIN may leave on {@code stream}: once it is open, and before the
     * peer's OPEN_RESULT when the peer announced early data.
     */
    private boolean maySend(Stream stream) {
        return stream.state() == Stream.State.OPEN
                || stream.state() == Stream.State.OPENING && remote.earlyData();
    }

    private void onOpen(OpenFrame frame) throws ProtocolException {
        int id = frame.streamId();
        if (isLocalId(id) || id <= lastPeerStreamId) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "OPEN with stream id " + id
                    + " (expected: a new " + (initiator ? "even" : "odd") + " id above "
                    + lastPeerStreamId + ")");
        }
        lastPeerStreamId = id;
        if (goAwaySent) {
            writeFrame(new OpenResultFrame(id, OpenResult.GOING_AWAY, "tunnel is draining"));
            return;
        }
        Stream stream = new Stream(this, id, frame.metadata(), Stream.State.AWAITING_ACCEPT,
                remote.initialStreamWindow(), local.initialStreamWindow());
        streams.put(id, stream);
        try {
            listener.onStreamOpened(this, stream);
        } catch (RuntimeException e) {
            log.error("{} stream open handler failed: stream={}", id(), stream, e);
            reject(stream, OpenResult.INTERNAL_ERROR, "internal error");
        }
    }

    private void onOpenResult(OpenResultFrame frame) throws ProtocolException {
        Stream stream = lookup(frame);
        if (stream == null) {
            return;
        }
        if (stream.state() != Stream.State.OPENING) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "OPEN_RESULT on stream "
                    + stream.id() + " in state " + stream.state());
        }
        cancelOpenTimeout(stream);
        if (frame.result() == OpenResult.CONNECTED) {
            stream.state(Stream.State.OPEN);
            if (!stream.openPromise.trySuccess(stream)) {
                resetStream(stream, ErrorCode.CANCEL, "open abandoned", false);
                return;
            }
            if (stream.hasPending()) {
                // Writes held back because the peer takes no early data.
                schedule(stream);
            }
            return;
        }
        stream.openPromise.tryFailure(new FlowOpenException(frame.result(), frame.reason()));
        closeStream(stream);
    }

    private void onFin(FinFrame frame) throws ProtocolException {
        Stream stream = lookup(frame);
        if (stream == null) {
            return;
        }
        if (!mayReceive(stream) || stream.finReceived) {
            throw new ProtocolException(ErrorCode.STREAM_CLOSED, "FIN on stream " + stream.id()
                    + " in state " + stream.state() + (stream.finReceived ? " after FIN" : ""));
        }
        stream.finReceived = true;
        stream.deliver(Stream.FIN_EVENT);
        closeIfDone(stream);
    }

    private void onReset(ResetFrame frame) throws ProtocolException {
        Stream stream = lookup(frame);
        if (stream == null) {
            return;
        }
        if (stream.state() == Stream.State.OPENING) {
            stream.openPromise.tryFailure(new FlowOpenException(
                    frame.code() == ErrorCode.REFUSED_STREAM
                            ? OpenResult.GOING_AWAY : OpenResult.INTERNAL_ERROR,
                    "reset by peer: " + frame.code() + " " + frame.reason()));
        } else {
            stream.deliver(new Stream.ResetEvent(frame.code(), frame.reason()));
        }
        closeStream(stream);
    }

    private void onWindowUpdate(WindowUpdateFrame frame) throws ProtocolException {
        int increment = frame.increment();
        if (frame.streamId() == 0) {
            tunnelSendWindow += increment;
            if (tunnelSendWindow > Integer.MAX_VALUE) {
                throw new ProtocolException(ErrorCode.FLOW_CONTROL_ERROR,
                        "tunnel window grew to " + tunnelSendWindow + " (expected: <= 2147483647)");
            }
            drainSendQueue();
            return;
        }
        Stream stream = lookup(frame);
        if (stream == null) {
            return;
        }
        stream.sendWindow += increment;
        stream.sendStalled = false;
        if (stream.sendWindow > Integer.MAX_VALUE) {
            throw new ProtocolException(ErrorCode.FLOW_CONTROL_ERROR, "window of stream "
                    + stream.id() + " grew to " + stream.sendWindow + " (expected: <= 2147483647)");
        }
        if (stream.hasPending()) {
            schedule(stream);
        }
    }

    private void onPing(PingFrame ping) {
        if (!ping.ack()) {
            writeFrame(new PingFrame(ping.opaque(), true));
            return;
        }
        long sample = nanoTime() - ping.opaque();
        if (sample < 0) {
            return;
        }
        long previous = rttNanos;
        rttNanos = previous < 0 ? sample : (7 * previous + sample) / 8;
    }

    private void onGoAway(GoAwayFrame frame) {
        goAwayReceived = true;
        List<Stream> unprocessed = new ArrayList<>();
        for (Stream stream : streams.values()) {
            if (isLocalId(stream.id()) && stream.id() > frame.lastStreamId()
                    && stream.state() == Stream.State.OPENING) {
                unprocessed.add(stream);
            }
        }
        for (Stream stream : unprocessed) {
            stream.openPromise.tryFailure(new FlowOpenException(OpenResult.GOING_AWAY,
                    "peer sent GOAWAY: " + frame.reason()));
            closeStream(stream);
        }
        if (frame.code() == ErrorCode.NO_ERROR) {
            log.info("{} peer draining tunnel: peer={} reason={}", id(), peer, frame.reason());
        } else {
            log.warn("{} peer closed tunnel: peer={} code={} reason={}",
                    id(), peer, frame.code(), frame.reason());
        }
        // Streams still open when the tunnel closes are reset with this reason.
        closeReason = "peer sent GOAWAY " + frame.code() + ": " + frame.reason();
        listener.onGoAway(this, frame.code(), frame.reason());
        if (frame.code() != ErrorCode.NO_ERROR) {
            ctx.close();
        }
    }

    private void onControl(ControlFrame frame) throws ProtocolException {
        if (controlPieces == null && !frame.more()) {
            listener.onControl(this, frame.json());
            return;
        }
        if (controlPieces == null) {
            controlPieces = new StringBuilder(frame.json().length() * 2);
        }
        if (controlPieces.length() + frame.json().length() > MAX_CONTROL_LENGTH) {
            throw new ProtocolException(ErrorCode.FRAME_SIZE_ERROR, "control message exceeds "
                    + MAX_CONTROL_LENGTH + " characters");
        }
        controlPieces.append(frame.json());
        if (!frame.more()) {
            String json = controlPieces.toString();
            controlPieces = null;
            listener.onControl(this, json);
        }
    }

    /**
     * Returns the stream a frame belongs to, or null when that stream existed and has closed
     * (frames still in flight are then dropped). A frame for an id never opened is a protocol
     * error.
     */
    private Stream lookup(Frame frame) throws ProtocolException {
        int id = frame.streamId();
        Stream stream = streams.get(id);
        if (stream != null) {
            return stream;
        }
        boolean neverOpened = isLocalId(id) ? id >= nextStreamId : id > lastPeerStreamId;
        if (neverOpened) {
            io.netty.util.ReferenceCountUtil.release(frame);
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                    frame.type() + " frame for unknown stream " + id);
        }
        return null;
    }

    private boolean isLocalId(int id) {
        return (id & 1) == (initiator ? 1 : 0);
    }

    // Stream operations, called by Stream on the event loop.

    void execute(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    boolean inEventLoop() {
        return channel.eventLoop().inEventLoop();
    }

    ChannelPromise newPromise() {
        return channel.newPromise();
    }

    /**
     * Returns the event loop's clock in nanoseconds. Keepalive, round trips and window growth
     * read this clock rather than {@code System.nanoTime()}, so that a test can drive them with
     * Netty's {@code MockTicker}.
     */
    long nanoTime() {
        return channel.eventLoop().ticker().nanoTime();
    }

    private void doOpen(FlowMetadata metadata, Promise<Stream> promise,
            Consumer<Stream> openSent) {
        if (closed || remote == null || goAwayReceived || goAwaySent) {
            String why = closed ? "tunnel closed" : remote == null ? "tunnel not ready"
                    : "tunnel is draining";
            promise.tryFailure(new FlowOpenException(OpenResult.GOING_AWAY, why));
            return;
        }
        if (nextStreamId > LAST_STREAM_ID - 2) {
            promise.tryFailure(new FlowOpenException(OpenResult.GOING_AWAY, "stream ids used up"));
            shutdownGracefully("stream ids used up");
            return;
        }
        int id = nextStreamId;
        nextStreamId += 2;
        Stream stream = new Stream(this, id, metadata, Stream.State.OPENING,
                remote.initialStreamWindow(), local.initialStreamWindow());
        stream.openPromise = promise;
        streams.put(id, stream);
        writeFrame(new OpenFrame(id, metadata));
        stream.openTimeout = channel.eventLoop().schedule(() -> {
            if (stream.state() == Stream.State.OPENING) {
                promise.tryFailure(new FlowOpenException(OpenResult.TIMED_OUT, "no OPEN_RESULT within "
                        + options.openTimeoutMillis() + " ms"));
                resetStream(stream, ErrorCode.CANCEL, "open timed out", false);
            }
        }, options.openTimeoutMillis(), TimeUnit.MILLISECONDS);
        if (openSent != null) {
            try {
                openSent.accept(stream);
            } catch (RuntimeException e) {
                log.error("{} stream open callback failed: stream={}", id(), stream, e);
                resetStream(stream, ErrorCode.INTERNAL_ERROR, "internal error", false);
            }
        }
    }

    void accept(Stream stream, StreamListener streamListener) {
        if (stream.state() != Stream.State.AWAITING_ACCEPT) {
            streamListener.onReset(stream, ErrorCode.CANCEL, "stream closed before it was accepted");
            return;
        }
        stream.state(Stream.State.OPEN);
        writeFrame(new OpenResultFrame(stream.id(), OpenResult.CONNECTED, ""));
        stream.setListener(streamListener);
        if (stream.hasPending()) {
            schedule(stream);
        }
    }

    void reject(Stream stream, OpenResult result, String reason) {
        if (stream.state() != Stream.State.AWAITING_ACCEPT) {
            return;
        }
        writeFrame(new OpenResultFrame(stream.id(), result, reason));
        closeStream(stream);
    }

    void resetStream(Stream stream, ErrorCode code, String reason, boolean notify) {
        if (stream.isClosed()) {
            return;
        }
        writeFrame(new ResetFrame(stream.id(), code, reason));
        if (notify) {
            stream.deliver(new Stream.ResetEvent(code, reason));
        }
        closeStream(stream);
    }

    void consumed(Stream stream, int bytes) {
        int count = (int) Math.min(bytes, stream.unconsumedBytes);
        if (count <= 0) {
            return;
        }
        stream.unconsumedBytes -= count;
        returnTunnelCredit(count);
        if (stream.isClosed() || stream.finReceived) {
            return;
        }
        stream.unackedBytes += count;
        if (stream.unackedBytes >= stream.recvWindowSize / 2) {
            int increment = stream.unackedBytes + growWindow(stream);
            stream.unackedBytes = 0;
            stream.recvRemaining += increment;
            writeFrame(new WindowUpdateFrame(stream.id(), increment));
        }
    }

    /**
     * Doubles a stream's receive window when the peer had used more than three quarters of
     * its credit by the time half a window was consumed. The sender was then about to stall on
     * the window while the consumer kept up, so the window, not the reader, limits the flow. A
     * stalled reader consumes nothing and so never grows its window. Growth stops at the
     * maximum stream window and when all growth on the tunnel reaches half the tunnel window.
     * Returns the bytes added.
     */
    private int growWindow(Stream stream) {
        if (stream.recvRemaining >= stream.recvWindowSize / 4) {
            return 0;
        }
        int target = (int) Math.min(2L * stream.recvWindowSize, options.maxStreamWindow());
        int delta = target - stream.recvWindowSize;
        if (delta <= 0 || windowGrowth + delta > local.tunnelWindow() / 2) {
            return 0;
        }
        stream.recvWindowSize = target;
        windowGrowth += delta;
        return delta;
    }

    /**
     * Adds to the tunnel credit owed to the peer, and sends it once a quarter of the tunnel
     * window, at most 256 KiB, has gathered.
     */
    private void returnTunnelCredit(long bytes) {
        tunnelUnacked += bytes;
        long threshold = Math.min(local.tunnelWindow() / 4, 256 * 1024);
        if (tunnelUnacked >= threshold) {
            sendTunnelCredit();
        }
    }

    private void sendTunnelCredit() {
        if (tunnelUnacked == 0 || closed) {
            return;
        }
        tunnelRecvRemaining += tunnelUnacked;
        writeFrame(new WindowUpdateFrame(0, (int) tunnelUnacked));
        tunnelUnacked = 0;
    }

    private void closeIfDone(Stream stream) {
        if (stream.finReceived && stream.finSent && !stream.hasPending()) {
            closeStream(stream);
        }
    }

    private static void cancelOpenTimeout(Stream stream) {
        if (stream.openTimeout != null) {
            stream.openTimeout.cancel(false);
            stream.openTimeout = null;
        }
    }

    private void closeStream(Stream stream) {
        if (stream.isClosed()) {
            return;
        }
        stream.state(Stream.State.CLOSED);
        streams.remove(stream.id());
        cancelOpenTimeout(stream);
        if (stream.openPromise != null && !stream.openPromise.isDone()) {
            // Closed by this side before the result, as by a reset while it sent early data.
            stream.openPromise.tryFailure(new FlowOpenException(OpenResult.INTERNAL_ERROR,
                    "stream closed by this side before the open result"));
        }
        stream.failPending();
        if (stream.unconsumedBytes > 0) {
            // The credit goes back at once rather than with the next batch, because otherwise
            // each reset of a stream holding less than a batch shrinks the peer's tunnel window.
            tunnelUnacked += stream.unconsumedBytes;
            stream.unconsumedBytes = 0;
            sendTunnelCredit();
        }
        windowGrowth -= stream.recvWindowSize - local.initialStreamWindow();
        if (goAwaySent && streams.isEmpty()) {
            closeAfterFlush();
        }
    }

    // Sending.

    /**
     * Queues a stream with data or FIN to send, when it may send. A stream the peer opened
     * waits for {@link #accept}; one this side opened waits for CONNECTED unless the peer takes
     * early data, because the peer treats other DATA or FIN before the result as a protocol
     * error.
     */
    void schedule(Stream stream) {
        if (!stream.scheduled && maySend(stream)) {
            stream.scheduled = true;
            sendQueue.add(stream);
        }
        drainSendQueue();
    }

    private void drainSendQueue() {
        if (sending || ctx == null || remote == null) {
            return;
        }
        sending = true;
        try {
            while (channel.isWritable() && tunnelSendWindow > 0) {
                Stream stream = sendQueue.poll();
                if (stream == null) {
                    break;
                }
                stream.scheduled = false;
                if (!maySend(stream)) {
                    continue;
                }
                sendNext(stream);
                if (stream.hasPending() && stream.sendWindow > 0 && maySend(stream)) {
                    stream.scheduled = true;
                    sendQueue.add(stream);
                }
            }
        } finally {
            sending = false;
        }
    }

    /** Writes the next frame of a stream's queue, as far as credit allows. */
    private void sendNext(Stream stream) {
        Stream.PendingWrite write = stream.peekPending();
        if (write == null) {
            return;
        }
        if (write == Stream.PendingWrite.FIN) {
            stream.pollPending();
            stream.finSent = true;
            writeFrame(new FinFrame(stream.id()));
            closeIfDone(stream);
            return;
        }
        int readable = write.data().readableBytes();
        if (readable == 0) {
            stream.pollPending();
            write.data().release();
            write.promise().trySuccess();
            return;
        }
        if (stream.sendWindow <= 0) {
            sendStalled(stream);
            return;
        }
        int length = (int) Math.min(Math.min(readable, remote.maxFrameLength()),
                Math.min(stream.sendWindow, tunnelSendWindow));
        stream.sendWindow -= length;
        tunnelSendWindow -= length;
        if (length == readable) {
            stream.pollPending();
            ctx.write(new DataFrame(stream.id(), write.data()), write.promise());
        } else {
            ctx.write(new DataFrame(stream.id(), write.data().readRetainedSlice(length)),
                    ctx.voidPromise());
        }
        if (stream.sendWindow == 0 && stream.hasPending()) {
            sendStalled(stream);
        }
        requestFlush();
        if (stream.dequeued(length)) {
            stream.notifyWritable();
        }
    }

    /** Reports a stream that has data queued and no send window, once per stall. */
    private void sendStalled(Stream stream) {
        if (!stream.sendStalled) {
            stream.sendStalled = true;
            options.observer().sendWindowExhausted();
        }
    }

    private void doSendControl(String json) {
        if (closed) {
            return;
        }
        int pieceLength = (remote == null ? TunnelSettings.DEFAULT_MAX_FRAME_LENGTH
                : remote.maxFrameLength()) / 3;
        int start = 0;
        while (json.length() - start > pieceLength) {
            int end = start + pieceLength;
            if (Character.isHighSurrogate(json.charAt(end - 1))) {
                end--;
            }
            writeFrame(new ControlFrame(json.substring(start, end), true));
            start = end;
        }
        writeFrame(new ControlFrame(json.substring(start), false));
    }

    private void writeFrame(Frame frame) {
        if (ctx == null) {
            io.netty.util.ReferenceCountUtil.release(frame);
            return;
        }
        if (frameLog.isTraceEnabled()) {
            frameLog.trace("{} >> {}", id(), frame);
        }
        ctx.write(frame, ctx.voidPromise());
        requestFlush();
    }

    private void requestFlush() {
        needsFlush = true;
        if (flushScheduled) {
            return;
        }
        flushScheduled = true;
        channel.eventLoop().execute(flushTask);
    }

    private void flushNow() {
        flushScheduled = false;
        if (needsFlush && ctx != null) {
            needsFlush = false;
            ctx.flush();
        }
    }

    // Liveness and errors.

    private void keepaliveTick() {
        if (closed) {
            return;
        }
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(nanoTime() - lastReadNanos);
        if (idleMillis >= options.deadPeerTimeoutMillis()) {
            log.warn("{} tunnel dead: peer={} idleMillis={} timeoutMillis={}",
                    id(), peer, idleMillis, options.deadPeerTimeoutMillis());
            goAwayAndClose(ErrorCode.KEEPALIVE_TIMEOUT,
                    "nothing received for " + idleMillis + " ms");
            return;
        }
        writeFrame(new PingFrame(nanoTime(), false));
    }

    private void protocolError(ProtocolException e) {
        long suppressed = PROTOCOL_ERROR_LOG.acquire(LogAddresses.host(channel.remoteAddress()));
        if (suppressed != LogLimiter.SUPPRESSED) {
            log.warn("{} tunnel protocol error: peer={} code={} reason={} suppressed={}",
                    id(), peer, e.code(), e.getMessage(), suppressed);
        }
        goAwayAndClose(e.code(), e.getMessage());
    }

    private void goAwayAndClose(ErrorCode code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        goAwaySent = true;
        closeReason = code + ": " + reason;
        ctx.writeAndFlush(new GoAwayFrame(lastPeerStreamId, code, reason))
                .addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void closeAfterFlush() {
        if (!channel.isActive()) {
            return;
        }
        flushNow();
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                .addListener(ChannelFutureListener.CLOSE);
    }

    private String id() {
        return channel.id().asShortText();
    }
}
