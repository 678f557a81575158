package io.ztna.agent.capture;

import io.netty.buffer.ByteBuf;
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
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
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
 * {@link EarlyClientInput#LIMIT_BYTES} are kept. Reading on lets a client reset be noticed, which
 * cancels the open. An EOF meanwhile may be a half-close, so the relay receives it with the
 * early bytes when it starts.
 */
final class SocksRequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SocksRequestHandler.class);
    private static final String MODE = "socks";

    private final FlowOpener opener;
    private final Steering steering;
    private final CaptureTimeouts timeouts;
    private final EarlyClientInput early = new EarlyClientInput();
    private ScheduledFuture<?> handshakeTimeout;
    private boolean requested;
    private CapturedFlow flowInProgress;

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
            early.add(data);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flowInProgress != null && flowInProgress.awaitingFarEnd() && early.wantsMore()) {
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
            early.markInputShutdown();
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
        flowInProgress = new CapturedFlow(ctx.channel(), MODE, flow, early,
                new CapturedFlow.Replies() {
                    @Override
                    public ChannelFuture connected() {
                        return replySuccess(ctx);
                    }

                    @Override
                    public void refused(Steering.Decision decision) {
                        replyAndClose(ctx, Socks5CommandStatus.FORBIDDEN);
                    }

                    @Override
                    public void failed(OpenResult result) {
                        replyAndClose(ctx,
                                Socks5CommandStatus.valueOf((byte) result.socksReply()));
                    }

                    @Override
                    public void detach() {
                        removeSocksHandlers(ctx);
                    }
                });
        flowInProgress.start(steering, opener, timeouts, true, 0);
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

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handshakeTimeout.cancel(false);
        early.release();
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

    private static String id(ChannelHandlerContext ctx) {
        return ctx.channel().id().asShortText();
    }
}
