package io.ztna.lab.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The lab's private web app: it serves every GET with a small HTML page that names the app and
 * echoes the request's Host header and the address the request came from (the publisher's,
 * since the publisher connects to the app).
 */
public final class DemoHttpServer implements AutoCloseable {

    /** Text the page always contains; tests look for it. */
    public static final String MARKER = "Welcome to the ztna lab intranet";

    private final InetSocketAddress bindAddress;
    private Channel serverChannel;

    public DemoHttpServer(InetSocketAddress bindAddress) {
        this.bindAddress = bindAddress;
    }

    public DemoHttpServer start(EventLoopGroup group) throws InterruptedException {
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(),
                                new HttpObjectAggregator(64 * 1024), new PageHandler());
                    }
                })
                .bind(bindAddress).sync().channel();
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

    private static final class PageHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String host = request.headers().get(HttpHeaderNames.HOST, "(none)");
            String body = "<!doctype html>\n<html><head><title>ztna lab intranet</title></head>"
                    + "<body>\n<h1>" + MARKER + "</h1>\n<p>Host: " + escape(host) + "</p>\n"
                    + "<p>Path: " + escape(request.uri()) + "</p>\n<p>Seen from: "
                    + ctx.channel().remoteAddress() + "</p>\n</body></html>\n";
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            if (HttpUtil.isKeepAlive(request)) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static String escape(String text) {
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }
}
