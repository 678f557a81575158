package io.ztna.proto.transport;

import io.netty.channel.ChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;

/**
 * The Linux socket option SO_MARK, which tags every packet a socket sends with a firewall mark
 * that nftables and iptables rules can match. Netty 4.2 has no named option for it, so it is
 * set through the generic option with level SOL_SOCKET (1) and name SO_MARK (36), the values
 * of {@code <asm-generic/socket.h>}. Setting it needs the epoll transport and CAP_NET_ADMIN.
 */
public final class SocketMark {

    /** SO_MARK, for {@code Bootstrap.option}; the value is the mark, 0 for none. */
    public static final ChannelOption<Integer> SO_MARK =
            new IntegerUnixChannelOption("SO_MARK", 1, 36);

    private SocketMark() {
    }
}
