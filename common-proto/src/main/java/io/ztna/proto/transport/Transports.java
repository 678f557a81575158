package io.ztna.proto.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native epoll where it loads, NIO otherwise, decided once per process and logged once. Set the
 * system property {@code ztna.transport=nio} to force NIO.
 *
 * <p>Both transports create every TCP socket with TCP_NODELAY on, so the bootstraps of per-flow
 * sockets do not set it again: each setting is one more system call per flow.
 */
public final class Transports {

    private static final Logger log = LoggerFactory.getLogger(Transports.class);
    private static final boolean EPOLL = chooseEpoll();

    private Transports() {
    }

    private static boolean chooseEpoll() {
        if ("nio".equalsIgnoreCase(System.getProperty("ztna.transport"))) {
            log.info("transport selected: transport=nio reason=ztna.transport=nio");
            return false;
        }
        if (Epoll.isAvailable()) {
            log.info("transport selected: transport=epoll");
            return true;
        }
        log.info("transport selected: transport=nio reason=\"epoll unavailable: {}\"",
                Epoll.unavailabilityCause().toString());
        return false;
    }

    public static boolean isEpoll() {
        return EPOLL;
    }

    public static String name() {
        return EPOLL ? "epoll" : "nio";
    }

    /** Creates an event loop group; {@code threads} 0 means Netty's default of 2 per core. */
    public static EventLoopGroup newGroup(int threads) {
        IoHandlerFactory factory = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, factory);
    }

    public static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends DatagramChannel> datagramChannel() {
        return EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }
}
