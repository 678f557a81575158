package io.ztna.lab.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;

/**
 * The lab's TCP echo app: writes back every byte it reads, with backpressure (it reads again
 * only once the echo was written), and half-closes its side after the client's EOF.
 */
public final class DemoEchoServer implements AutoCloseable {

    private final InetSocketAddress bindAddress;
    private Channel serverChannel;

    public DemoEchoServer(InetSocketAddress bindAddress) {
        this.bindAddress = bindAddress;
    }

    public DemoEchoServer start(EventLoopGroup group) throws InterruptedException {
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new EchoHandler());
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

    private static final class EchoHandler extends ChannelInboundHandlerAdapter {

        private ChannelFuture lastWrite;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastWrite = ctx.writeAndFlush(msg);
            lastWrite.addListener(f -> {
                if (f.isSuccess()) {
                    ctx.read();
                } else {
                    ctx.close();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                Runnable shutdown = () -> ((DuplexChannel) ctx.channel()).shutdownOutput()
                        .addListener(f -> ctx.close());
                if (lastWrite == null || lastWrite.isDone()) {
                    shutdown.run();
                } else {
                    lastWrite.addListener(f -> shutdown.run());
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
