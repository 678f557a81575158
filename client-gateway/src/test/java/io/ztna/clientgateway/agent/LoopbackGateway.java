package io.ztna.clientgateway.agent;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.transport.Transports;
import java.util.concurrent.TimeUnit;

/**
 * A publisher-gateway stand-in joined to a client-gateway tunnel by a plain TCP connection on
 * 127.0.0.1, without TLS. Every stream that the near end opens goes to the far listener.
 */
final class LoopbackGateway implements AutoCloseable {

    private final Channel server;
    private final Tunnel near;

    private LoopbackGateway(Channel server, Tunnel near) {
        this.server = server;
        this.near = near;
    }

    /**
     * Connects and waits until both ends exchanged HELLO.
     *
     * @param name the far end's peer name, as links and flow records show it
     */
    static LoopbackGateway start(EventLoopGroup group, String name, TunnelListener far)
            throws Exception {
        TunnelOptions options = TunnelOptions.defaults();
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        new Tunnel(ch, false, options, far, "client-gateway").install();
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        TunnelListener nearListener = (tunnel, stream) -> stream.reject(
                OpenResult.DENIED_BY_POLICY, "the client gateway accepts no flows here");
        Channel client = new Bootstrap()
                .group(group)
                .channel(Transports.socketChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        new Tunnel(ch, true, options, nearListener, name).install();
                    }
                })
                .connect(server.localAddress()).sync().channel();
        Tunnel near = client.pipeline().get(Tunnel.class);
        near.readyFuture().get(5, TimeUnit.SECONDS);
        return new LoopbackGateway(server, near);
    }

    /** Returns the client gateway's end of the tunnel. */
    Tunnel tunnel() {
        return near;
    }

    @Override
    public void close() {
        near.channel().close().syncUninterruptibly();
        server.close().syncUninterruptibly();
    }
}
