package io.ztna.agent.capture;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
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
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.relay.ConnectFailures;
import io.ztna.proto.relay.SocketStreamRelay;
import io.ztna.proto.transport.Transports;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SOCKS5 client connection, from greeting to relay. Runs on the connection's event loop.
 *
 * <p>Replies follow RFC 1928 section 6: 0x00 only after the flow is open end to end, 0x02 for
 * a destination blocked by policy, 0x07 for commands other than CONNECT, 0x08 for an address
 * type the request decoder does not know, and for failed opens the code of the open result.
 * Bytes the client sends before the reply are kept and forwarded first once the flow is open.
 */
final class SocksRequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SocksRequestHandler.class);
    /** A client must finish its greeting and request within this time. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final int DIRECT_CONNECT_TIMEOUT_MILLIS = 10_000;

    private final FlowOpener opener;
    private final Steering steering;
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private ScheduledFuture<?> handshakeTimeout;
    private boolean requested;

    SocksRequestHandler(FlowOpener opener, Steering steering) {
        this.opener = opener;
        this.steering = steering;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        handshakeTimeout = ctx.executor().schedule(() -> {
            log.info("{} SOCKS5 request timed out: client={} timeoutMillis={}",
                    id(ctx), ctx.channel().remoteAddress(), HANDSHAKE_TIMEOUT_MILLIS);
            ctx.close();
        }, HANDSHAKE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
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

    private void onGreeting(ChannelHandlerContext ctx, Socks5InitialRequest greeting) {
        if (greeting.decoderResult().isFailure()) {
            log.info("{} SOCKS5 greeting rejected: client={} error={}", id(ctx),
                    ctx.channel().remoteAddress(), greeting.decoderResult().cause().getMessage());
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!greeting.authMethods().contains(Socks5AuthMethod.NO_AUTH)) {
            log.info("{} SOCKS5 greeting rejected: client={} methods={} expected=NO_AUTH",
                    id(ctx), ctx.channel().remoteAddress(), greeting.authMethods());
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.pipeline().replace(Socks5InitialRequestDecoder.class, null,
                new Socks5CommandRequestDecoder());
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
    }

    private void onRequest(ChannelHandlerContext ctx, Socks5CommandRequest request) {
        if (request.decoderResult().isFailure()) {
            String error = String.valueOf(request.decoderResult().cause().getMessage());
            Socks5CommandStatus status = error.contains("address type")
                    ? Socks5CommandStatus.ADDRESS_UNSUPPORTED : Socks5CommandStatus.FAILURE;
            log.info("{} SOCKS5 request rejected: client={} error={} reply={}", id(ctx),
                    ctx.channel().remoteAddress(), error, status);
            reply(ctx, status, true);
            return;
        }
        if (request.type() != Socks5CommandType.CONNECT) {
            log.info("{} SOCKS5 request rejected: client={} command={} expected=CONNECT",
                    id(ctx), ctx.channel().remoteAddress(), request.type());
            reply(ctx, Socks5CommandStatus.COMMAND_UNSUPPORTED, true);
            return;
        }
        requested = true;
        ctx.channel().config().setAutoRead(false);
        String host = request.dstAddr();
        int port = request.dstPort();
        if (port == 0) {
            reply(ctx, Socks5CommandStatus.FAILURE, true);
            return;
        }
        switch (steering.decide(host, port)) {
            case TUNNEL -> openTunnel(ctx, host, port);
            case DIRECT -> openDirect(ctx, host, port);
            case BLOCKED, REJECT -> {
                log.info("{} flow blocked by steering policy: client={} destination={}:{}",
                        id(ctx), ctx.channel().remoteAddress(), host, port);
                reply(ctx, Socks5CommandStatus.FORBIDDEN, true);
            }
            default -> reply(ctx, Socks5CommandStatus.FAILURE, true);
        }
    }

    private void openTunnel(ChannelHandlerContext ctx, String host, int port) {
        FlowMetadata flow;
        try {
            flow = FlowMetadata.tcp(host, port);
        } catch (IllegalArgumentException e) {
            reply(ctx, Socks5CommandStatus.FAILURE, true);
            return;
        }
        opener.open(flow).addListener(f -> ctx.executor().execute(() -> {
            if (!f.isSuccess()) {
                OpenResult result = f.cause() instanceof FlowOpenException failure
                        ? failure.result() : OpenResult.INTERNAL_ERROR;
                log.info("{} flow failed: client={} destination={} result={} reason=\"{}\"",
                        id(ctx), ctx.channel().remoteAddress(), flow.destination(), result,
                        f.cause().getMessage());
                reply(ctx, Socks5CommandStatus.valueOf((byte) result.socksReply()), true);
                return;
            }
            Stream stream = (Stream) f.getNow();
            if (!ctx.channel().isActive()) {
                stream.reset(ErrorCode.CLIENT_RESET, "client left before the flow opened");
                return;
            }
            log.debug("{} flow open: client={} destination={} stream={}", id(ctx),
                    ctx.channel().remoteAddress(), flow.destination(), stream.id());
            reply(ctx, Socks5CommandStatus.SUCCESS, false).addListener(written -> {
                if (!written.isSuccess()) {
                    stream.reset(ErrorCode.CLIENT_RESET, "SOCKS5 reply could not be written");
                    return;
                }
                Channel channel = ctx.channel();
                removeSocksHandlers(ctx);
                for (ByteBuf data : early) {
                    stream.write(data);
                }
                early.clear();
                SocketStreamRelay.forOpenedStream(channel, stream, ErrorCode.CLIENT_RESET);
            });
        }));
    }

    private void openDirect(ChannelHandlerContext ctx, String host, int port) {
        // TODO: resolve names off the event loop; Netty's default resolver blocks on lookups.
        new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, DIRECT_CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(host, port)
                .addListener(f -> {
                    io.netty.channel.ChannelFuture connect = (io.netty.channel.ChannelFuture) f;
                    if (!connect.isSuccess()) {
                        OpenResult result = ConnectFailures.resultOf(connect.cause());
                        log.info("{} direct connection failed: client={} destination={}:{} "
                                + "result={} reason=\"{}\"", id(ctx), ctx.channel().remoteAddress(),
                                host, port, result, connect.cause().getMessage());
                        reply(ctx, Socks5CommandStatus.valueOf((byte) result.socksReply()), true);
                        return;
                    }
                    Channel remote = connect.channel();
                    if (!ctx.channel().isActive()) {
                        remote.close();
                        return;
                    }
                    reply(ctx, Socks5CommandStatus.SUCCESS, false).addListener(written -> {
                        if (!written.isSuccess()) {
                            remote.close();
                            return;
                        }
                        Channel channel = ctx.channel();
                        removeSocksHandlers(ctx);
                        for (ByteBuf data : early) {
                            remote.write(data);
                        }
                        early.clear();
                        remote.flush();
                        SocketPairRelay.join(channel, remote);
                    });
                });
    }

    private io.netty.channel.ChannelFuture reply(ChannelHandlerContext ctx,
            Socks5CommandStatus status, boolean close) {
        handshakeTimeout.cancel(false);
        io.netty.channel.ChannelFuture written = ctx.writeAndFlush(
                new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0));
        if (close) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        return written;
    }

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
        releaseEarly();
        ctx.fireChannelInactive();
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
