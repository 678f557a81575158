package io.ztna.agent.capture;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.ztna.proto.policy.HostPattern;
import io.ztna.proto.transport.Listeners;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener that the capture rules redirect connections to. Each accepted connection is
 * handled by a {@link TransparentConnectionHandler}. Needs the epoll transport, because the
 * original destination is read with a Linux socket option, and a group of epoll event loops.
 *
 * <p>Not thread-safe: call {@link #start()} and {@link #close()} from one thread.
 */
final class TransparentListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransparentListener.class);

    private final EventLoopGroup group;
    private final InetSocketAddress bindAddress;
    private final StubAddressLookup stubs;
    private final List<HostPattern> stubRanges;
    private final Steering steering;
    private final FlowOpener opener;
    private final CaptureTimeouts timeouts;
    private final int socketMark;
    private Channel serverChannel;

    /**
     * @param socketMark SO_MARK of the sockets of flows that go directly, so that the rules do
     *     not redirect them back here
     */
    TransparentListener(EventLoopGroup group, InetSocketAddress bindAddress,
            StubAddressLookup stubs, List<HostPattern> stubRanges, Steering steering,
            FlowOpener opener, CaptureTimeouts timeouts, int socketMark) {
        this.group = group;
        this.bindAddress = bindAddress;
        this.stubs = stubs;
        this.stubRanges = List.copyOf(stubRanges);
        this.steering = steering;
        this.opener = opener;
        this.timeouts = timeouts;
        this.socketMark = socketMark;
    }

    /** Binds the listener, blocking until it is bound; throws when the bind fails. */
    TransparentListener start() throws IOException, InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new TransparentConnectionHandler(stubs,
                                stubRanges, steering, opener, timeouts, socketMark));
                    }
                });
        serverChannel = Listeners.bind(bootstrap, bindAddress, "transparent capture");
        log.info("transparent capture listening: address={}", localAddress());
        return this;
    }

    /** Returns the bound address, with the port the system chose when port 0 was configured. */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops accepting; connections already accepted keep running. */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }
}
