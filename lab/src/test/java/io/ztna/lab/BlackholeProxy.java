package io.ztna.lab;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on 127.0.0.1 that relays every connection to one target until
 * {@link #blackhole()}. From then on it forwards nothing in either direction and closes
 * nothing, as a network path that went dead does, so only keepalive timeouts notice.
 */
final class BlackholeProxy implements AutoCloseable {

    private final EventLoopGroup group = Transports.newGroup(1);
    private final Channel server;
    private volatile boolean dead;

    BlackholeProxy(InetSocketAddress target) throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel inbound) {
                        connect(inbound, target);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Stops forwarding on every connection, now and later. */
    void blackhole() {
        dead = true;
    }

    private void connect(Channel inbound, InetSocketAddress target) {
        new Bootstrap()
                .group(inbound.eventLoop())
                .channel(Transports.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .handler(new Relay(inbound))
                .connect(target)
                .addListener((ChannelFuture connect) -> {
                    if (!connect.isSuccess()) {
                        inbound.close();
                        return;
                    }
                    inbound.pipeline().addLast(new Relay(connect.channel()));
                    inbound.read();
                    connect.channel().read();
                });
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Forwards what one side reads to the other, reading again once it was written. */
    private final class Relay extends ChannelInboundHandlerAdapter {

        private final Channel peer;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (dead) {
                ReferenceCountUtil.release(msg);
                return;
            }
            peer.writeAndFlush(msg).addListener(written -> {
                if (!written.isSuccess()) {
                    ctx.close();
                } else if (!dead) {
                    ctx.channel().read();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!dead) {
                peer.close();
            }
        }
    }
}
