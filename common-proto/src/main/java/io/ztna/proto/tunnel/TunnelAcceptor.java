package io.ztna.proto.tunnel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.tls.TlsHandlers;
import io.ztna.proto.transport.Listeners;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Accepts tunnels on one TCP address: mutual TLS with the given server context (which decides
 * the client roles admitted), then the multiplexer with a listener per peer.
 */
public final class TunnelAcceptor implements AutoCloseable {

    private final EventLoopGroup group;
    private final InetSocketAddress bindAddress;
    private final SslContext sslContext;
    private final TunnelOptions options;
    private final TunnelListenerFactory factory;
    private volatile Channel serverChannel;

    public TunnelAcceptor(EventLoopGroup group, InetSocketAddress bindAddress,
            SslContext sslContext, TunnelOptions options, TunnelListenerFactory factory) {
        this.group = group;
        this.bindAddress = bindAddress;
        this.sslContext = sslContext;
        this.options = options;
        this.factory = factory;
    }

    /** Binds the listening socket, blocking until it is bound. */
    public TunnelAcceptor bind() throws IOException, InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Promise<Tunnel> tunnel = ch.eventLoop().newPromise();
                        ch.pipeline().addLast(TlsHandlers.forAcceptedChannel(sslContext, ch));
                        ch.pipeline().addLast(new HandshakeGate(
                                false, options, factory, tunnel, ch.remoteAddress()));
                    }
                });
        TunnelChannels.configure(bootstrap);
        serverChannel = Listeners.bind(bootstrap, bindAddress, "tunnels");
        return this;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** True while the listening socket is bound and open. */
    public boolean isBound() {
        Channel channel = serverChannel;
        return channel != null && channel.isActive();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }
}
