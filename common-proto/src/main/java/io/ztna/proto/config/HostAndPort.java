package io.ztna.proto.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;

/**
 * A {@code host:port} value such as {@code gw.example.com:8443}, {@code 127.0.0.1:1080} or
 * {@code [::1]:443}; IPv6 literals are written in brackets. In config files the port is 1 to
 * 65535, or 0 in fields marked {@link PortZeroAllowed}.
 *
 * @param host a name or an IP literal, without brackets
 */
@JsonDeserialize(using = HostAndPortDeserializer.class)
public record HostAndPort(String host, int port) {

    static final String EXPECTED = "host:port with a port from 1 to 65535, "
            + "for example 127.0.0.1:8443 or [::1]:8443";
    static final String EXPECTED_OR_ZERO = "host:port with a port from 0 to 65535, "
            + "for example 127.0.0.1:8443 or [::1]:0";

    /**
     * Parses an address whose port is 1 to 65535.
     *
     * @throws InvalidValueException naming the text when it has another form
     */
    public static HostAndPort parse(String text) {
        return parse(text, false);
    }

    /**
     * Parses an address, accepting port 0 when {@code portZeroAllowed} is set.
     *
     * @throws InvalidValueException naming the text when it has another form
     */
    public static HostAndPort parse(String text, boolean portZeroAllowed) {
        String expected = portZeroAllowed ? EXPECTED_OR_ZERO : EXPECTED;
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new InvalidValueException(text, expected);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!NetUtil.isValidIpV6Address(host)) {
                throw new InvalidValueException(text, expected);
            }
        } else if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
            throw new InvalidValueException(text, expected);
        }
        String portText = text.substring(colon + 1);
        if (host.isEmpty() || portText.isEmpty() || portText.length() > 5
                || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidValueException(text, expected);
        }
        int port = Integer.parseInt(portText);
        if (port > 65535 || (port == 0 && !portZeroAllowed)) {
            throw new InvalidValueException(text, expected);
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
