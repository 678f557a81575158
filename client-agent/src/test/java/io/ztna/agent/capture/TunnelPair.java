package io.ztna.agent.capture;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.transport.Transports;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Two multiplexers joined by a plain TCP connection on 127.0.0.1, without TLS: the near end
 * opens flows as the agent's tunnel does, the far end hands them to a test listener.
 */
public final class TunnelPair implements AutoCloseable {

    private final Channel server;
    private final Tunnel near;
    private final Tunnel far;

    private TunnelPair(Channel server, Tunnel near, Tunnel far) {
        this.server = server;
        this.near = near;
        this.far = far;
    }

    /** Connects a pair and waits until both ends exchanged HELLO. */
    public static TunnelPair start(EventLoopGroup group, TunnelListener farListener)
            throws Exception {
        TunnelOptions options = TunnelOptions.defaults();
        Promise<Tunnel> farTunnel = group.next().newPromise();
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        farTunnel.trySuccess(
                                new Tunnel(ch, false, options, farListener, "near").install());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        TunnelListener nearListener = (tunnel, stream) -> stream.reject(
                OpenResult.DENIED_BY_POLICY, "the near end accepts no flows");
        Channel client = new Bootstrap()
                .group(group)
                .channel(Transports.socketChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        new Tunnel(ch, true, options, nearListener, "far").install();
                    }
                })
                .connect(server.localAddress()).sync().channel();
        Tunnel near = client.pipeline().get(Tunnel.class);
        near.readyFuture().get(5, TimeUnit.SECONDS);
        Tunnel far = farTunnel.get(5, TimeUnit.SECONDS);
        far.readyFuture().get(5, TimeUnit.SECONDS);
        return new TunnelPair(server, near, far);
    }

    /**
     * Returns an opener that opens every flow on the near end, passing each stream on as soon as
     * its OPEN is written so that the client's early bytes follow it.
     */
    public FlowOpener opener() {
        return new FlowOpener() {
            @Override
            public Future<Stream> open(FlowMetadata flow) {
                return near.open(flow);
            }

            @Override
            public Future<Stream> open(FlowMetadata flow, Consumer<Stream> openSent) {
                return near.open(flow, openSent);
            }
        };
    }

    public Tunnel near() {
        return near;
    }

    /** Returns the number of streams open at the near end, read on its event loop. */
    int nearStreamCount() throws Exception {
        return near.stats().get(5, TimeUnit.SECONDS).streams();
    }

    @Override
    public void close() {
        near.channel().close().syncUninterruptibly();
        far.channel().close().syncUninterruptibly();
        server.close().syncUninterruptibly();
    }
}
