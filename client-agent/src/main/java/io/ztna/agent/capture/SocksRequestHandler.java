package io.ztna.agent.capture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.relay.ConnectFailures;
import io.ztna.proto.relay.EarlyInbound;
import io.ztna.proto.relay.SocketStreamRelay;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SOCKS5 client connection, from greeting to relay. Runs on the connection's event loop.
 *
 * <p>Replies follow RFC 1928 section 6. The success reply 0x00 is sent only once the far end
 * connected: through the tunnel, once the publisher connected to the app, and directly, once
 * the TCP connect succeeded. Then the SOCKS handlers leave the pipeline and a relay takes over.
 * Failures reply and close: 0x01 for a malformed request, 0x02 for a destination that steering
 * blocks or rejects, 0x07 for a command other than CONNECT, 0x08 for an unknown address type,
 * and for a failed open the code of its {@link OpenResult}.
 *
 * <p>Bytes the client sends after its request and before the reply are kept and sent first once
 * the flow is open; this handler releases them if the flow fails. AUTO_READ is off from the
 * request on, and while the far end connects the socket is read only until
 * {@link #EARLY_DATA_LIMIT_BYTES} are kept. Reading on lets a client reset be noticed, which
 * cancels the open. An EOF meanwhile may be a half-close, so the relay receives it with the
 * early bytes when it starts.
 */
final class SocksRequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SocksRequestHandler.class);
    private static final String MODE = "socks";
    /** Early bytes beyond which the client is not read until the flow is open. */
    static final int EARLY_DATA_LIMIT_BYTES = 16 * 1024;

    private final FlowOpener opener;
    private final Steering steering;
    private final CaptureTimeouts timeouts;
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private ScheduledFuture<?> handshakeTimeout;
    private int earlyBytes;
    private boolean requested;
    private boolean awaitingFarEnd;
    private boolean inputShutdown;
    private long startNanos;

    SocksRequestHandler(FlowOpener opener, Steering steering, CaptureTimeouts timeouts) {
        this.opener = opener;
        this.steering = steering;
        this.timeouts = timeouts;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long timeoutMillis = timeouts.handshake().toMillis();
        handshakeTimeout = ctx.executor().schedule(() -> {
            log.info("{} SOCKS5 handshake timed out: client={} timeoutMillis={}",
                    id(ctx), ctx.channel().remoteAddress(), timeoutMillis);
            ctx.close();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Socks5InitialRequest greeting) {
            onGreeting(ctx, greeting);
        } else if (msg instanceof Socks5CommandRequest request) {
            onRequest(ctx, request);
        } else if (msg instanceof ByteBuf data && requested) {
            earlyBytes += data.readableBytes();
            early.add(data);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (awaitingFarEnd && !inputShutdown && earlyBytes < EARLY_DATA_LIMIT_BYTES) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof ChannelInputShutdownEvent)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (requested) {
            inputShutdown = true;
            return;
        }
        log.info("{} SOCKS5 handshake incomplete: client={} reason=\"client sent EOF\"",
                id(ctx), ctx.channel().remoteAddress());
        ctx.close();
    }

    private void onGreeting(ChannelHandlerContext ctx, Socks5InitialRequest greeting) {
        if (greeting.decoderResult().isFailure()) {
            // The decoder's message names the version byte, for example "unsupported version:
            // 4 (expected: 5)".
            log.info("{} SOCKS5 greeting rejected: client={} error=\"{}\"", id(ctx),
                    ctx.channel().remoteAddress(), greeting.decoderResult().cause().getMessage());
            rejectGreeting(ctx);
            return;
        }
        if (!greeting.authMethods().contains(Socks5AuthMethod.NO_AUTH)) {
            log.info("{} SOCKS5 greeting rejected: client={} methods={} expected=NO_AUTH",
                    id(ctx), ctx.channel().remoteAddress(), greeting.authMethods());
            rejectGreeting(ctx);
            return;
        }
        ctx.pipeline().replace(Socks5InitialRequestDecoder.class, null,
                new Socks5CommandRequestDecoder(SocksAddressDecoder.INSTANCE));
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
    }

    /** Replies "no acceptable methods" (0xFF) and closes. */
    private void rejectGreeting(ChannelHandlerContext ctx) {
        handshakeTimeout.cancel(false);
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void onRequest(ChannelHandlerContext ctx, Socks5CommandRequest request) {
        handshakeTimeout.cancel(false);
        startNanos = System.nanoTime();
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            Socks5CommandStatus status =
                    cause instanceof SocksAddressDecoder.UnsupportedAddressTypeException
                            ? Socks5CommandStatus.ADDRESS_UNSUPPORTED
                            : Socks5CommandStatus.FAILURE;
            log.info("{} SOCKS5 request rejected: client={} error=\"{}\" reply={}", id(ctx),
                    ctx.channel().remoteAddress(), cause.getMessage(), status);
            replyAndClose(ctx, status);
            return;
        }
        if (request.type() != Socks5CommandType.CONNECT) {
            log.info("{} SOCKS5 request rejected: client={} command={} expected=CONNECT",
                    id(ctx), ctx.channel().remoteAddress(), request.type());
            replyAndClose(ctx, Socks5CommandStatus.COMMAND_UNSUPPORTED);
            return;
        }
        requested = true;
        ctx.channel().config().setAutoRead(false);
        FlowMetadata flow;
        try {
            flow = FlowMetadata.tcp(request.dstAddr(), request.dstPort());
        } catch (IllegalArgumentException e) {
            log.info("{} SOCKS5 request rejected: client={} error=\"{}\" reply={}", id(ctx),
                    ctx.channel().remoteAddress(), e.getMessage(), Socks5CommandStatus.FAILURE);
            replyAndClose(ctx, Socks5CommandStatus.FAILURE);
            return;
        }
        steer(ctx, flow);
    }

    private void steer(ChannelHandlerContext ctx, FlowMetadata flow) {
        Steering.Decision decision;
        try {
            decision = steering.decide(flow.host(), flow.port());
        } catch (RuntimeException e) {
            log.error("{} steering failed: destination={}", id(ctx), flow.destination(), e);
            replyAndClose(ctx, Socks5CommandStatus.FAILURE);
            return;
        }
        switch (decision) {
            case TUNNEL -> openTunnel(ctx, flow);
            case DIRECT -> openDirect(ctx, flow);
            case BLOCKED -> {
                FlowLog.failed(ctx.channel(), MODE, flow.destination(), decision,
                        "a steering block rule covers the destination");
                replyAndClose(ctx, Socks5CommandStatus.FORBIDDEN);
            }
            case REJECT -> {
                FlowLog.failed(ctx.channel(), MODE, flow.destination(), decision,
                        "no app covers the destination and uncovered destinations are rejected");
                replyAndClose(ctx, Socks5CommandStatus.FORBIDDEN);
            }
            default -> throw new IllegalStateException("unknown steering decision " + decision);
        }
    }

    private void openTunnel(ChannelHandlerContext ctx, FlowMetadata flow) {
        Channel client = ctx.channel();
        long timeoutMillis = timeouts.open().toMillis();
        awaitingFarEnd = true;
        FlowOpenAttempt.start(client, opener, flow, timeoutMillis, new FlowOpenAttempt.Outcome() {
            @Override
            public void opened(Stream stream) {
                awaitingFarEnd = false;
                FlowLog.opened(client, MODE, flow.destination(), "tunnel stream " + stream.id());
                replySuccess(ctx).addListener(written -> {
                    if (!written.isSuccess()) {
                        stream.reset(ErrorCode.CLIENT_RESET, "SOCKS5 reply could not be written");
                        return;
                    }
                    removeSocksHandlers(ctx);
                    handOverEarlyInput(client);
                    SocketStreamRelay relay = SocketStreamRelay.forOpenedStream(
                            client, stream, ErrorCode.CLIENT_RESET);
                    relay.completion().addListener(f -> FlowLog.finished(client, MODE,
                            flow.destination(), relay.completion().getNow(), startNanos));
                });
            }

            @Override
            public void failed(OpenResult result, String reason) {
                awaitingFarEnd = false;
                FlowLog.failed(client, MODE, flow.destination(), result, reason);
                replyAndClose(ctx, Socks5CommandStatus.valueOf((byte) result.socksReply()));
            }
        });
    }

    private void openDirect(ChannelHandlerContext ctx, FlowMetadata flow) {
        Channel client = ctx.channel();
        ChannelFuture connect = DirectConnector.connect(client.eventLoop(), flow.host(),
                flow.port(), (int) timeouts.directConnect().toMillis());
        ChannelFutureListener cancelOnClose = f -> connect.cancel(false);
        client.closeFuture().addListener(cancelOnClose);
        awaitingFarEnd = true;
        connect.addListener(f -> {
            awaitingFarEnd = false;
            client.closeFuture().removeListener(cancelOnClose);
            if (connect.isCancelled()) {
                return;
            }
            if (!connect.isSuccess()) {
                OpenResult result = ConnectFailures.resultOf(connect.cause());
                FlowLog.failed(client, "socks-direct", flow.destination(), result,
                        connect.cause().toString());
                replyAndClose(ctx, Socks5CommandStatus.valueOf((byte) result.socksReply()));
                return;
            }
            Channel remote = connect.channel();
            if (!client.isActive()) {
                remote.close();
                return;
            }
            FlowLog.opened(client, "socks-direct", flow.destination(), remote.localAddress()
                    + " -> " + remote.remoteAddress());
            replySuccess(ctx).addListener(written -> {
                if (!written.isSuccess()) {
                    remote.close();
                    return;
                }
                removeSocksHandlers(ctx);
                SocketPairRelay relay = SocketPairRelay.join(client, remote, early, inputShutdown);
                relay.completion().addListener(done -> FlowLog.finished(client, "socks-direct",
                        flow.destination(), relay.completion().getNow(), startNanos));
            });
        });
    }

    private static ChannelFuture replySuccess(ChannelHandlerContext ctx) {
        // BND.ADDR and BND.PORT are zero: a CONNECT client has no use for the agent's address.
        return ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS,
                Socks5AddressType.IPv4, "0.0.0.0", 0));
    }

    private void replyAndClose(ChannelHandlerContext ctx, Socks5CommandStatus status) {
        handshakeTimeout.cancel(false);
        ctx.writeAndFlush(new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4,
                "0.0.0.0", 0)).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Removes the SOCKS codec and this handler. Bytes still held by the request decoder reach
     * this handler as it leaves and join the early bytes.
     */
    private void removeSocksHandlers(ChannelHandlerContext ctx) {
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(Socks5CommandRequestDecoder.class) != null) {
            pipeline.remove(Socks5CommandRequestDecoder.class);
        }
        if (pipeline.get(Socks5ServerEncoder.class) != null) {
            pipeline.remove(Socks5ServerEncoder.class);
        }
        pipeline.remove(this);
    }

    /**
     * Moves the early bytes and EOF into an {@link EarlyInbound}, the form in which
     * {@link SocketStreamRelay} takes over input read before it started.
     */
    private void handOverEarlyInput(Channel client) {
        if (early.isEmpty() && !inputShutdown) {
            return;
        }
        ChannelPipeline pipeline = client.pipeline();
        pipeline.addLast(new EarlyInbound());
        ByteBuf data;
        while ((data = early.poll()) != null) {
            pipeline.fireChannelRead(data);
        }
        if (inputShutdown) {
            pipeline.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handshakeTimeout.cancel(false);
        releaseEarly();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        handshakeTimeout.cancel(false);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} SOCKS5 connection failed: client={} error={}", id(ctx),
                ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void releaseEarly() {
        ByteBuf data;
        while ((data = early.poll()) != null) {
            data.release();
        }
    }

    private static String id(ChannelHandlerContext ctx) {
        return ctx.channel().id().asShortText();
    }
}
