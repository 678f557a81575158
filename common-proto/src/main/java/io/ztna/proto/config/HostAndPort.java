package io.ztna.proto.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;

/** A {@code host:port} value; IPv6 literals are written in brackets, as in {@code [::1]:443}. */
public record HostAndPort(String host, int port) {

    @JsonCreator
    public static HostAndPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("invalid address '" + text
                    + "' (expected: host:port, for example 127.0.0.1:8443 or [::1]:8443)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("invalid address '" + text
                    + "' (expected: an IPv6 literal in brackets, for example [::1]:8443)");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port in '" + text
                    + "' (expected: 0 to 65535)");
        }
        return new HostAndPort(host, port);
    }

    /** Returns the socket address; IP literals are used as they are, names are resolved. */
    public InetSocketAddress toSocketAddress() {
        if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
            return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), port);
        }
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
