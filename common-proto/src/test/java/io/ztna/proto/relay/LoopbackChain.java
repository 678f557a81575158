package io.ztna.proto.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The data path of one flow on 127.0.0.1, over plain TCP tunnels:
 * <pre>
 * client socket -> entry relay -> tunnel -> [gateway bridge -> tunnel ->] exit relay -> app
 * </pre>
 * A test connects a {@link java.net.Socket} to {@link #entryAddress()}. Every connection opens
 * one stream to the app address given to {@link #start}, and the entry relay starts once that
 * stream is open. The relays and bridges that each flow created are queued for the test to
 * inspect.
 */
final class LoopbackChain implements AutoCloseable {

    static final long TIMEOUT_SECONDS = 20;

    final BlockingQueue<SocketStreamRelay> entryRelays = new LinkedBlockingQueue<>();
    final BlockingQueue<SocketStreamRelay> exitRelays = new LinkedBlockingQueue<>();
    final BlockingQueue<StreamBridge> bridges = new LinkedBlockingQueue<>();
    private final EventLoopGroup group = Transports.newGroup(2);
    private final List<Channel> channels = new ArrayList<>();
    private final InetSocketAddress app;
    private Channel entry;

    private LoopbackChain(InetSocketAddress app) {
        this.app = app;
    }

    /** Starts the chain towards {@code app}, with a gateway in the middle when asked. */
    static LoopbackChain start(InetSocketAddress app, boolean viaGateway) throws Exception {
        LoopbackChain chain = new LoopbackChain(app);
        try {
            chain.build(viaGateway);
        } catch (Exception | AssertionError e) {
            chain.close();
            throw e;
        }
        return chain;
    }

    InetSocketAddress entryAddress() {
        return (InetSocketAddress) entry.localAddress();
    }

    private void build(boolean viaGateway) throws Exception {
        InetSocketAddress exitTunnel = listenTunnels(new ExitListener());
        InetSocketAddress firstHop = exitTunnel;
        if (viaGateway) {
            Tunnel upstream = dialTunnel(exitTunnel);
            firstHop = listenTunnels(new GatewayListener(upstream));
        }
        Tunnel tunnel = dialTunnel(firstHop);
        entry = bind(new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel socket) {
                        socket.pipeline().addLast(new EarlyInbound());
                        openFlow(tunnel, socket);
                    }
                }));
    }

    private void openFlow(Tunnel tunnel, Channel socket) {
        tunnel.open(FlowMetadata.tcp(app.getHostString(), app.getPort())).addListener(f -> {
            if (f.isSuccess()) {
                // Started on the socket's loop, the relay is in the pipeline once it is queued,
                // so a test that waits for the queue sends nothing before the relay can read it.
                socket.eventLoop().execute(() -> entryRelays.add(SocketStreamRelay.forOpenedStream(
                        socket, (Stream) f.getNow(), ErrorCode.CLIENT_RESET)));
            } else {
                socket.close();
            }
        });
    }

    /** Listens for tunnels whose streams go to {@code listener}; returns the address. */
    private InetSocketAddress listenTunnels(TunnelListener listener) throws Exception {
        Channel server = bind(new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        new Tunnel(ch, false, TunnelOptions.defaults(), listener, "dialer")
                                .install();
                    }
                }));
        return (InetSocketAddress) server.localAddress();
    }

    private Tunnel dialTunnel(InetSocketAddress address) throws Exception {
        CompletableFuture<Tunnel> created = new CompletableFuture<>();
        ChannelFuture connect = new Bootstrap()
                .group(group)
                .channel(Transports.socketChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        created.complete(new Tunnel(ch, true, TunnelOptions.defaults(),
                                new GatewayListener(null), "listener").install());
                    }
                })
                .connect(address);
        if (!connect.await(TIMEOUT_SECONDS, TimeUnit.SECONDS) || !connect.isSuccess()) {
            throw new AssertionError("tunnel connect to " + address + " failed", connect.cause());
        }
        channels.add(connect.channel());
        Tunnel tunnel = created.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!tunnel.readyFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                || !tunnel.readyFuture().isSuccess()) {
            throw new AssertionError("tunnel to " + address + " not ready",
                    tunnel.readyFuture().cause());
        }
        return tunnel;
    }

    private Channel bind(ServerBootstrap bootstrap) throws InterruptedException {
        ChannelFuture bind = bootstrap.bind(new InetSocketAddress("127.0.0.1", 0));
        if (!bind.await(TIMEOUT_SECONDS, TimeUnit.SECONDS) || !bind.isSuccess()) {
            throw new AssertionError("bind on 127.0.0.1 failed", bind.cause());
        }
        channels.add(bind.channel());
        return bind.channel();
    }

    @Override
    public void close() throws InterruptedException {
        for (Channel channel : channels) {
            channel.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** The publisher's part: connects each stream to the app and relays it. */
    private final class ExitListener implements TunnelListener {

        @Override
        public void onStreamOpened(Tunnel tunnel, Stream stream) {
            FlowMetadata metadata = stream.metadata();
            new Bootstrap()
                    .group(group)
                    .channel(Transports.socketChannel())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new EarlyInbound())
                    .connect(metadata.host(), metadata.port())
                    .addListener((ChannelFuture f) -> {
                        if (f.isSuccess()) {
                            exitRelays.add(SocketStreamRelay.forAcceptedStream(
                                    f.channel(), stream, ErrorCode.APP_RESET));
                        } else {
                            stream.reject(OpenResult.APP_REFUSED, f.cause().toString());
                        }
                    });
        }
    }

    /** The gateway's part: opens each stream onwards and bridges the two. */
    private final class GatewayListener implements TunnelListener {

        private final Tunnel upstream;

        GatewayListener(Tunnel upstream) {
            this.upstream = upstream;
        }

        @Override
        public void onStreamOpened(Tunnel tunnel, Stream downstream) {
            if (upstream == null) {
                downstream.reject(OpenResult.INTERNAL_ERROR, "this side accepts no streams");
                return;
            }
            upstream.open(downstream.metadata()).addListener(f -> {
                if (f.isSuccess()) {
                    bridges.add(StreamBridge.join(downstream, (Stream) f.getNow()));
                } else {
                    Throwable cause = f.cause();
                    OpenResult result = cause instanceof FlowOpenException open
                            ? open.result() : OpenResult.INTERNAL_ERROR;
                    downstream.reject(result, cause.getMessage());
                }
            });
        }
    }
}
