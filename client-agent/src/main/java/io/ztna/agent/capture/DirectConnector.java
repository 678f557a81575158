package io.ztna.agent.capture;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.ztna.proto.transport.SocketMark;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;

/**
 * Connects to destinations that go directly instead of through the tunnel. The channel uses the
 * client's event loop, so the pair can be relayed without crossing threads, starts with
 * AUTO_READ off and half-closure allowed, and keeps early input in a {@link HeldInbound}.
 */
final class DirectConnector {

    /**
     * Resolves names with the JDK resolver on Netty's global executor rather than on the event
     * loop, because a lookup blocks its thread.
     */
    // NOTE: the global executor has one thread, so one slow lookup delays the lookups behind it.
    private static final AddressResolverGroup<InetSocketAddress> OFF_LOOP_RESOLVER =
            new AddressResolverGroup<>() {
                @Override
                protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
                    return new DefaultNameResolver(GlobalEventExecutor.INSTANCE)
                            .asAddressResolver();
                }
            };

    private DirectConnector() {
    }

    /**
     * Starts connecting to {@code host:port}; the future fails after {@code timeoutMillis}.
     *
     * @param socketMark SO_MARK of the socket, so that the capture rules let it pass, or 0 for
     *     none. A mark needs the epoll transport and CAP_NET_ADMIN.
     */
    static ChannelFuture connect(EventLoop loop, String host, int port, int timeoutMillis,
            int socketMark) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(Transports.socketChannel())
                .resolver(OFF_LOOP_RESOLVER)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new HeldInbound());
        if (socketMark != 0) {
            bootstrap.option(SocketMark.SO_MARK, socketMark);
        }
        return bootstrap.connect(host, port);
    }
}
