package io.ztna.agent.capture;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowIds;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.relay.EarlyData;
import io.ztna.proto.relay.SocketStreamRelay;
import io.ztna.proto.transport.Listeners;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local port forward, like {@code ssh -L}: each connection to the listen address becomes a
 * tunnel flow to one fixed destination.
 *
 * <p>Accepted sockets start with AUTO_READ off. While the flow opens, the forward reads the
 * client up to {@link EarlyClientInput#LIMIT_BYTES} and sends those bytes, and an early EOF,
 * right behind the OPEN, so a client that speaks first reaches the app without waiting for the
 * open result. The relay reads on once the flow is open. When the open fails, the client gets
 * a TCP reset (SO_LINGER 0) and the reason is logged, since a plain TCP client has no other way
 * to learn of the failure.
 *
 * <p>Not thread-safe: call {@link #start()} and {@link #close()} from one thread. Connections
 * run on the event loops of the given group, which the caller owns and shuts down.
 */
public final class PortForward implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PortForward.class);
    private static final String MODE = "forward";

    private final EventLoopGroup group;
    private final InetSocketAddress listen;
    private final FlowMetadata flow;
    private final FlowOpener opener;
    private final CaptureTimeouts timeouts;
    private Channel serverChannel;

    /** Creates a forward with {@link CaptureTimeouts#defaults()}. */
    public PortForward(EventLoopGroup group, InetSocketAddress listen, String host, int port,
            FlowOpener opener) {
        this(group, listen, host, port, opener, CaptureTimeouts.defaults());
    }

    /**
     * Creates a forward from {@code listen} to {@code host:port} through the tunnel.
     *
     * @throws IllegalArgumentException when the host is empty or the port is outside 1 to 65535
     */
    public PortForward(EventLoopGroup group, InetSocketAddress listen, String host, int port,
            FlowOpener opener, CaptureTimeouts timeouts) {
        this.group = group;
        this.listen = listen;
        this.flow = FlowMetadata.tcp(host, port);
        this.opener = opener;
        this.timeouts = timeouts;
    }

    /** Binds the listener, blocking until it is bound; throws when the bind fails. */
    public PortForward start() throws IOException, InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Opener());
                    }
                });
        serverChannel = Listeners.bind(bootstrap, listen,
                "the port forward to " + flow.destination());
        log.info("port forward listening: address={} destination={}",
                localAddress(), flow.destination());
        return this;
    }

    /** Returns the bound address, with the port the system chose when port 0 was configured. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops accepting; connections already accepted keep running. */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }

    /**
     * Opens the flow for one accepted connection, sending what the client writes meanwhile as
     * early data, then hands the socket to the relay.
     */
    private final class Opener extends ChannelInboundHandlerAdapter {

        private final EarlyClientInput early = new EarlyClientInput();
        private boolean awaitingOpen;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            long startNanos = System.nanoTime();
            FlowMetadata connection = flow.withFlowId(FlowIds.next());
            EarlyData sent = new EarlyData();
            early.sendThrough(sent, opener.bytes());
            awaitingOpen = true;
            FlowOpenAttempt.start(client, opener, connection, timeouts.open().toMillis(), sent,
                    new FlowOpenAttempt.Outcome() {
                        @Override
                        public void opened(Stream stream) {
                            awaitingOpen = false;
                            FlowLog.opened(client, MODE, connection,
                                    "tunnel stream " + stream.id());
                            ctx.pipeline().remove(Opener.this);
                            early.handOverToStreamRelay(client);
                            SocketStreamRelay relay = SocketStreamRelay.forOpenedStream(
                                    client, stream, ErrorCode.CLIENT_RESET, opener.bytes(),
                                    sent.bytes());
                            relay.completion().addListener(f -> FlowLog.finished(client, MODE,
                                    connection, relay.completion().getNow(), startNanos));
                            relay.completion().addListener(f -> opener.finished(
                                    relay.completion().getNow()));
                        }

                        @Override
                        public void failed(OpenResult result, String reason) {
                            awaitingOpen = false;
                            FlowLog.failed(client, MODE, connection, result, reason);
                            if (client.isActive()) {
                                client.config().setOption(ChannelOption.SO_LINGER, 0);
                            }
                            client.close();
                        }
                    });
            ctx.fireChannelActive();
            if (awaitingOpen) {
                ctx.read();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf data && awaitingOpen) {
                early.add(data);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (awaitingOpen && early.wantsMore()) {
                ctx.read();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                early.markInputShutdown();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            early.release();
            ctx.fireChannelInactive();
        }

        /** Closes the connection on a read error such as a reset, which cancels the open. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{} forwarded connection failed: error={}",
                    ctx.channel().id().asShortText(), cause.toString());
            ctx.close();
        }
    }
}
