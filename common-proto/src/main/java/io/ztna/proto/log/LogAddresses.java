package io.ztna.proto.log;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Formats socket addresses for logs as {@code host:port}, with brackets around IPv6. */
public final class LogAddresses {

    private LogAddresses() {
    }

    /** Returns {@code address} as {@code 127.0.0.1:8443} or {@code [::1]:8443}, or null. */
    public static String format(SocketAddress address) {
        if (address == null) {
            return null;
        }
        if (!(address instanceof InetSocketAddress inet)) {
            return address.toString();
        }
        String host = host(inet);
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }

    /**
     * Returns the host part of {@code address} without the port, as a rate-limit key for
     * failures of one remote host, or the whole address text when it has no host part.
     */
    public static String host(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return host(inet);
        }
        return String.valueOf(address);
    }

    private static String host(InetSocketAddress inet) {
        String host = inet.getAddress() == null ? inet.getHostString()
                : inet.getAddress().getHostAddress();
        int percent = host.indexOf('%');
        return percent >= 0 ? host.substring(0, percent) : host;
    }
}
