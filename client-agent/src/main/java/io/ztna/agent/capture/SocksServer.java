package io.ztna.agent.capture;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's SOCKS5 server (RFC 1928, no authentication, CONNECT only). The success reply is
 * sent only once the flow is open end to end, so a client sees success only for a live
 * connection to the app, and otherwise the reply code that matches the failure.
 */
public final class SocksServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SocksServer.class);

    private final EventLoopGroup group;
    private final InetSocketAddress bindAddress;
    private final FlowOpener opener;
    private final Steering steering;
    private Channel serverChannel;

    public SocksServer(EventLoopGroup group, InetSocketAddress bindAddress, FlowOpener opener,
            Steering steering) {
        this.group = group;
        this.bindAddress = bindAddress;
        this.opener = opener;
        this.steering = steering;
    }

    /** Binds the listener, blocking until it is bound. */
    public SocksServer start() throws InterruptedException {
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Socks5InitialRequestDecoder(),
                                Socks5ServerEncoder.DEFAULT,
                                new SocksRequestHandler(opener, steering));
                    }
                })
                .bind(bindAddress).sync().channel();
        log.info("SOCKS5 server listening: address={}", localAddress());
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
}
