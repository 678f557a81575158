package io.ztna.proto.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.ztna.proto.transport.Listeners;
import io.ztna.proto.metrics.DataPlaneMetrics;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Serves {@code /healthz} (200 while the process runs), {@code /readyz} (200 only while the daemon can
 * carry traffic, 503 otherwise), {@code /status} (JSON from the daemon) and {@code /metrics}
 * (Prometheus text format) over plain HTTP.
 * Bind it to loopback unless a firewall guards the address: it has no authentication.
 */
public final class AdminServer implements AutoCloseable {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final int MAX_REQUEST_BYTES = 8 * 1024;
    private static final int MAX_REQUEST_LINE_BYTES = 4 * 1024;
    private static final int MAX_HEADER_BYTES = 8 * 1024;
    /** Time a connection is drained after an invalid request before it is closed. */
    private static final long LINGER_MILLIS = 2_000;
    /** Connections idle this long are closed, so idle clients cannot pile up descriptors. */
    private static final int IDLE_TIMEOUT_SECONDS = 30;

    private final InetSocketAddress bindAddress;
    private final BooleanSupplier ready;
    private final Supplier<Object> status;
    private final DataPlaneMetrics metrics;
    private Channel serverChannel;

    /**
     * @param ready whether the daemon can carry traffic now
     * @param status a Jackson-serialisable snapshot of the daemon's state
     */
    public AdminServer(InetSocketAddress bindAddress, BooleanSupplier ready,
            Supplier<Object> status) {
        this(bindAddress, ready, status, null);
    }

    /** @param metrics served on {@code /metrics}, or null to serve none */
    public AdminServer(InetSocketAddress bindAddress, BooleanSupplier ready,
            Supplier<Object> status, DataPlaneMetrics metrics) {
        this.bindAddress = bindAddress;
        this.ready = ready;
        this.status = status;
        this.metrics = metrics;
    }

    /** Binds on {@code group}, blocking until the socket is bound. */
    public AdminServer start(EventLoopGroup group) throws IOException, InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(
                                new IdleStateHandler(0, 0, IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS),
                                new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
                                        .setMaxHeaderSize(MAX_HEADER_BYTES)),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES), new Handler());
                    }
                });
        serverChannel = Listeners.bind(bootstrap, bindAddress, "the admin endpoint");
        return this;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String path = request.uri();
            int query = path.indexOf('?');
            if (query >= 0) {
                path = path.substring(0, query);
            }
            FullHttpResponse response;
            boolean invalid = !request.decoderResult().isSuccess();
            if (invalid) {
                response = invalidRequest(request.decoderResult().cause());
            } else if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
                response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET is served\n");
            } else {
                response = switch (path) {
                    case "/healthz" -> text(HttpResponseStatus.OK, "ok\n");
                    case "/readyz" -> ready.getAsBoolean()
                            ? text(HttpResponseStatus.OK, "ready\n")
                            : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n");
                    case "/status" -> json(status.get());
                    case "/metrics" -> metrics == null
                            ? text(HttpResponseStatus.NOT_FOUND, "no metrics on this daemon\n")
                            : metricsResponse();
                    default -> text(HttpResponseStatus.NOT_FOUND,
                            "not found: " + path + " (expected /healthz, /readyz, /status or /metrics)\n");
                };
            }
            // After an invalid request the decoder discards the rest of the stream, so the
            // connection cannot carry another request.
            boolean keepAlive = !invalid && HttpUtil.isKeepAlive(request);
            HttpUtil.setContentLength(response, response.content().readableBytes());
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else if (invalid) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(future -> lingeringClose(ctx.channel()));
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /**
         * Closes a connection whose client may still be sending the rest of a rejected request.
         * Closing with unread input sends a TCP reset, which can destroy the response before
         * the client reads it, so the output is shut down first, the decoder discards the input
         * for up to {@link #LINGER_MILLIS}, and the connection closes when the client closes
         * its side or the time is up.
         */
        private void lingeringClose(Channel channel) {
            if (!(channel instanceof DuplexChannel duplex)) {
                channel.close();
                return;
            }
            duplex.shutdownOutput();
            channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS,
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Creates the response to a request the decoder rejected: 431 when the header fields
     * exceed the decoder's limit, 414 for a request line over it, else 400.
     */
    private static FullHttpResponse invalidRequest(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return text(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "request header fields too large (expected at most 8 KiB)\n");
        }
        if (cause instanceof TooLongHttpLineException) {
            return text(HttpResponseStatus.REQUEST_URI_TOO_LONG,
                    "request line too long (expected at most 4 KiB)\n");
        }
        return text(HttpResponseStatus.BAD_REQUEST, "invalid request\n");
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return response(status, "text/plain; charset=utf-8",
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    private FullHttpResponse metricsResponse() {
        return response(HttpResponseStatus.OK, DataPlaneMetrics.contentType(),
                Unpooled.wrappedBuffer(metrics.scrape()));
    }

    private static FullHttpResponse json(Object value) {
        try {
            return response(HttpResponseStatus.OK, "application/json",
                    Unpooled.wrappedBuffer(JSON.writeValueAsBytes(value)));
        } catch (JsonProcessingException e) {
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "status not serialisable: " + e.getOriginalMessage() + "\n");
        }
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, ByteBuf body) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        return response;
    }
}
