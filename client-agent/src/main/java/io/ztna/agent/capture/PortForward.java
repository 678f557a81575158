package io.ztna.agent.capture;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.relay.EarlyInbound;
import io.ztna.proto.relay.SocketStreamRelay;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local port forward, like {@code ssh -L}: each connection to the listen address becomes a
 * flow to one fixed destination. The client's bytes wait in its socket until the flow is open;
 * when the open fails the client gets a TCP reset and the reason is logged.
 */
public final class PortForward implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PortForward.class);

    private final EventLoopGroup group;
    private final InetSocketAddress listen;
    private final String host;
    private final int port;
    private final FlowOpener opener;
    private Channel serverChannel;

    public PortForward(EventLoopGroup group, InetSocketAddress listen, String host, int port,
            FlowOpener opener) {
        this.group = group;
        this.listen = listen;
        this.host = host;
        this.port = port;
        this.opener = opener;
    }

    /** Binds the listener, blocking until it is bound. */
    public PortForward start() throws InterruptedException {
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new EarlyInbound(), new Opener());
                    }
                })
                .bind(listen).sync().channel();
        log.info("port forward listening: address={} destination={}:{}", localAddress(), host, port);
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

    /** Opens the flow for one accepted connection, then hands it to the relay. */
    private final class Opener extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            opener.open(FlowMetadata.tcp(host, port)).addListener(f -> client.eventLoop().execute(
                    () -> {
                        if (!f.isSuccess()) {
                            String result = f.cause() instanceof FlowOpenException failure
                                    ? failure.result().name() : "INTERNAL_ERROR";
                            log.info("{} forwarded flow failed: client={} destination={}:{} "
                                    + "result={} reason=\"{}\"", client.id().asShortText(),
                                    client.remoteAddress(), host, port, result,
                                    f.cause().getMessage());
                            if (client.isActive()) {
                                client.config().setOption(ChannelOption.SO_LINGER, 0);
                            }
                            client.close();
                            return;
                        }
                        Stream stream = (Stream) f.getNow();
                        if (!client.isActive()) {
                            stream.reset(ErrorCode.CLIENT_RESET, "client left before the flow opened");
                            return;
                        }
                        ctx.pipeline().remove(this);
                        SocketStreamRelay.forOpenedStream(client, stream, ErrorCode.CLIENT_RESET);
                    }));
            ctx.fireChannelActive();
        }
    }
}
