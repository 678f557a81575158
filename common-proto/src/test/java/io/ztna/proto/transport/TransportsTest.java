package io.ztna.proto.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransportsTest {

    private final EventLoopGroup group = Transports.newGroup(1);

    @AfterEach
    void stop() throws InterruptedException {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /**
     * Per-flow sockets rely on the transport's default instead of setting TCP_NODELAY, so an
     * accepted and a connected socket must both have it on without the option.
     */
    @Test
    void socketsHaveNoDelayByDefault() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync().channel();
        try {
            Channel client = new Bootstrap()
                    .group(group)
                    .channel(Transports.socketChannel())
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress())
                    .sync().channel();
            Channel child = accepted.get(5, TimeUnit.SECONDS);

            assertEquals(true, client.config().getOption(ChannelOption.TCP_NODELAY));
            assertEquals(true, child.config().getOption(ChannelOption.TCP_NODELAY));
            client.close().sync();
        } finally {
            server.close().sync();
        }
    }
}
