package io.ztna.agent.capture;

import io.netty.util.NetUtil;
import io.ztna.proto.frame.FlowMetadata;
import java.util.Locale;

/**
 * The destination of an HTTP CONNECT request, parsed from its request target.
 *
 * <p>The authority form of RFC 9110 section 9.3.6 is {@code host:port}, {@code 1.2.3.4:port}
 * or {@code [2001:db8::1]:port}, with a port from 1 to 65535. The absolute form
 * {@code scheme://authority[/path]}, which some clients send, is accepted too: there the port
 * may be left out for {@code http} (80) and {@code https} (443). User information
 * ({@code user@host}), an IPv6 zone and a host that {@link FlowMetadata#checkHost} rejects are
 * invalid.
 *
 * @param host a name or an IP literal, without brackets
 * @param port 1 to 65535
 */
record ConnectTarget(String host, int port) {

    static final String EXPECTED = "host:port, [IPv6]:port or http(s)://host[:port]";

    /**
     * Parses a request target.
     *
     * @throws IllegalArgumentException naming the target and the accepted forms
     */
    static ConnectTarget parse(String target) {
        int schemeEnd = target.indexOf("://");
        if (schemeEnd < 0) {
            return parseAuthority(target, target, -1);
        }
        String scheme = target.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String rest = target.substring(schemeEnd + 3);
        int pathStart = indexOfAny(rest, "/?#");
        String authority = pathStart < 0 ? rest : rest.substring(0, pathStart);
        int defaultPort = switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
        return parseAuthority(target, authority, defaultPort);
    }

    private static ConnectTarget parseAuthority(String target, String authority,
            int defaultPort) {
        if (authority.indexOf('@') >= 0) {
            throw invalid(target);
        }
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw invalid(target);
            }
            host = authority.substring(1, close);
            if (!NetUtil.isValidIpV6Address(host) || host.indexOf('%') >= 0) {
                throw invalid(target);
            }
            String after = authority.substring(close + 1);
            if (after.isEmpty()) {
                portText = null;
            } else if (after.startsWith(":")) {
                portText = after.substring(1);
            } else {
                throw invalid(target);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
            if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0
                    || host.indexOf('/') >= 0) {
                throw invalid(target);
            }
        }
        int port = portText == null ? defaultPort : parsePort(portText);
        if (host.isEmpty() || port < 1) {
            throw invalid(target);
        }
        try {
            FlowMetadata.checkHost(host);
        } catch (IllegalArgumentException e) {
            throw invalid(target);
        }
        return new ConnectTarget(host, port);
    }

    /** Returns the port, or -1 unless the text is 1 to 5 digits of a value up to 65535. */
    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5
                || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int port = Integer.parseInt(text);
        return port <= 65535 ? port : -1;
    }

    private static int indexOfAny(String text, String characters) {
        for (int i = 0; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static IllegalArgumentException invalid(String target) {
        return new IllegalArgumentException("invalid CONNECT target '"
                + FlowMetadata.printable(target) + "' (expected: " + EXPECTED + ")");
    }
}
