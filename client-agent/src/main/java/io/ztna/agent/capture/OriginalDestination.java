package io.ztna.agent.capture;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.RawUnixChannelOption;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Reads the destination that a redirected TCP connection had before a DNAT or REDIRECT rule
 * rewrote it, with the Linux socket option SO_ORIGINAL_DST (IPv4) or IP6T_SO_ORIGINAL_DST
 * (IPv6). Netty 4.2 names neither, so they are read as raw options of the epoll transport.
 * Both have option name 80 ({@code <linux/netfilter_ipv4.h>} and
 * {@code <linux/netfilter_ipv6/ip6_tables.h>}), at level SOL_IP (0) and SOL_IPV6 (41). The
 * kernel fills a {@code sockaddr_in} (16 bytes) or {@code sockaddr_in6} (28 bytes), with the
 * port and address in network byte order.
 */
final class OriginalDestination {

    private static final RawUnixChannelOption IPV4 =
            new RawUnixChannelOption("SO_ORIGINAL_DST", 0, 80, 16);
    private static final RawUnixChannelOption IPV6 =
            new RawUnixChannelOption("IP6T_SO_ORIGINAL_DST", 41, 80, 28);

    private OriginalDestination() {
    }

    /**
     * Returns the original destination of an accepted epoll socket.
     *
     * @throws ChannelException when the kernel has none, as for a connection that no rule
     *     redirected and that connection tracking does not know
     */
    static InetSocketAddress of(Channel accepted) {
        InetSocketAddress local = (InetSocketAddress) accepted.localAddress();
        boolean ipv6 = local.getAddress() instanceof Inet6Address;
        ByteBuffer sockaddr = accepted.config().getOption(ipv6 ? IPV6 : IPV4);
        return parse(sockaddr, ipv6);
    }

    /** Parses a {@code sockaddr_in} or {@code sockaddr_in6}; the family field is not checked. */
    static InetSocketAddress parse(ByteBuffer sockaddr, boolean ipv6) {
        int port = ((sockaddr.get(2) & 0xff) << 8) | (sockaddr.get(3) & 0xff);
        byte[] address = new byte[ipv6 ? 16 : 4];
        sockaddr.get(ipv6 ? 8 : 4, address);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            // Thrown only for an array of another length than 4 or 16.
            throw new IllegalStateException(e);
        }
    }
}
