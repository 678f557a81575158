package io.ztna.agent.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP proxy client connection, from its CONNECT request to the relay. Runs on the
 * connection's event loop, behind an {@link HttpRequestDecoder} and an
 * {@link HttpResponseEncoder}.
 *
 * <p>Responses: {@code 200 Connection established} only once the far end connected, through the
 * tunnel once the publisher connected to the app, directly once the TCP connect succeeded. Then
 * the HTTP codec leaves the pipeline and a relay takes over, half-close included. Every other
 * response closes the connection: 400 for a malformed request or target, 414 and 431 for a
 * request line or headers over the decoder's limits, 405 with {@code Allow: CONNECT} for any
 * other method, 403 for a destination that steering blocks or rejects, 408 when no request
 * arrives within the handshake timeout, and for a failed open the status of
 * {@link HttpConnectStatus}. Error responses carry a one-line text/plain reason.
 *
 * <p>The request decoder leaves the pipeline as soon as a CONNECT request is decoded, so bytes
 * the client pipelined after it reach this handler as raw bytes. They are kept, with what the
 * client sends while the far end connects, and sent first once the flow is open, exactly as the
 * SOCKS5 server does (see {@link SocksRequestHandler}).
 */
final class HttpConnectHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpConnectHandler.class);
    private static final String MODE = "http-connect";
    private static final HttpResponseStatus CONNECTION_ESTABLISHED =
            new HttpResponseStatus(200, "Connection established");

    private final FlowOpener opener;
    private final Steering steering;
    private final CaptureTimeouts timeouts;
    private final EarlyClientInput early = new EarlyClientInput();
    private ScheduledFuture<?> handshakeTimeout;
    /** Set once a request got a response or started a flow; later input is early or dropped. */
    private boolean requested;
    private CapturedFlow flowInProgress;

    HttpConnectHandler(FlowOpener opener, Steering steering, CaptureTimeouts timeouts) {
        this.opener = opener;
        this.steering = steering;
        this.timeouts = timeouts;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long timeoutMillis = timeouts.handshake().toMillis();
        handshakeTimeout = ctx.executor().schedule(() -> {
            log.info("{} HTTP CONNECT request timed out: client={} timeoutMillis={}",
                    id(ctx), ctx.channel().remoteAddress(), timeoutMillis);
            respondAndClose(ctx, HttpResponseStatus.REQUEST_TIMEOUT,
                    "no complete request within " + timeoutMillis + " ms");
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (requested) {
            if (msg instanceof ByteBuf data && flowInProgress != null) {
                early.add(data);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        try {
            if (msg instanceof HttpRequest request) {
                onRequest(ctx, request);
            }
        } finally {
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
        log.info("{} HTTP CONNECT request incomplete: client={} reason=\"client sent EOF\"",
                id(ctx), ctx.channel().remoteAddress());
        handshakeTimeout.cancel(false);
        ctx.close();
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        requested = true;
        handshakeTimeout.cancel(false);
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException
                    ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException
                            ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                            : HttpResponseStatus.BAD_REQUEST;
            reject(ctx, status, "malformed request: " + cause.getMessage());
            return;
        }

        if (!HttpMethod.CONNECT.equals(request.method())) {
            FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "this proxy supports only CONNECT");
            response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.CONNECT.name());
            log.info("{} HTTP proxy request rejected: client={} method={} expected=CONNECT "
                    + "status=405", id(ctx), ctx.channel().remoteAddress(),
                    FlowMetadata.printable(request.method().name()));
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (HttpUtil.getContentLength(request, 0L) != 0
                || request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            reject(ctx, HttpResponseStatus.BAD_REQUEST, "a CONNECT request has no content");
            return;
        }

        FlowMetadata flow;
        try {
            ConnectTarget target = ConnectTarget.parse(request.uri());
            flow = FlowMetadata.tcp(target.host(), target.port());
        } catch (IllegalArgumentException e) {
            reject(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }

        ctx.channel().config().setAutoRead(false);
        flowInProgress = new CapturedFlow(ctx.channel(), MODE, flow, early, replies(ctx, flow));
        // Bytes the decoder still holds, pipelined after the request, reach channelRead as the
        // decoder leaves and become early input.
        ctx.pipeline().remove(HttpRequestDecoder.class);
        flowInProgress.start(steering, opener, timeouts, true, 0);
    }

    private CapturedFlow.Replies replies(ChannelHandlerContext ctx, FlowMetadata flow) {
        return new CapturedFlow.Replies() {
            @Override
            public ChannelFuture connected() {
                return ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        CONNECTION_ESTABLISHED, Unpooled.EMPTY_BUFFER));
            }

            @Override
            public void refused(Steering.Decision decision) {
                String reason = decision == Steering.Decision.BLOCKED
                        ? "a steering block rule covers " + flow.destination()
                        : "no app covers " + flow.destination();
                respondAndClose(ctx, HttpResponseStatus.FORBIDDEN, reason);
            }

            @Override
            public void failed(OpenResult result) {
                respondAndClose(ctx, HttpConnectStatus.of(result),
                        HttpConnectStatus.reason(result));
            }

            @Override
            public void detach() {
                ChannelPipeline pipeline = ctx.pipeline();
                if (pipeline.get(HttpResponseEncoder.class) != null) {
                    pipeline.remove(HttpResponseEncoder.class);
                }
                pipeline.remove(HttpConnectHandler.this);
            }
        };
    }

    /** Logs a request this proxy cannot serve, responds with {@code status} and closes. */
    private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        log.info("{} HTTP CONNECT request rejected: client={} status={} error=\"{}\"", id(ctx),
                ctx.channel().remoteAddress(), status.code(), reason);
        respondAndClose(ctx, status, reason);
    }

    private void respondAndClose(ChannelHandlerContext ctx, HttpResponseStatus status,
            String reason) {
        handshakeTimeout.cancel(false);
        requested = true;
        if (ctx.pipeline().get(HttpResponseEncoder.class) == null) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(response(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Builds a response with a one-line text body that ends the connection. */
    private static FullHttpResponse response(HttpResponseStatus status, String reason) {
        byte[] body = (status.code() + " " + status.reasonPhrase() + ": " + reason + "\n")
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
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
        log.debug("{} HTTP proxy connection failed: client={} error={}", id(ctx),
                ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private static String id(ChannelHandlerContext ctx) {
        return ctx.channel().id().asShortText();
    }
}
