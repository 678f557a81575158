package io.ztna.proto.frame;

import java.util.Objects;

/**
 * What an OPEN carries about a flow. The agent fills protocol, host, port and the flow id; the
 * client gateway keeps a well-formed flow id (see {@link FlowIds}), adds user, device, app and
 * the chosen publisher for the later hops.
 * Fields other than protocol, host and port are null until a hop sets them.
 */
public record FlowMetadata(
        Protocol protocol,
        String host,
        int port,
        String flowId,
        String user,
        String device,
        String app,
        String publisher) {

    /** Longest host accepted, in UTF-8 bytes: a DNS name is at most 253 characters. */
    public static final int MAX_HOST_LENGTH = 255;

    public FlowMetadata {
        Objects.requireNonNull(protocol, "protocol");
        checkHost(Objects.requireNonNull(host, "host"));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
        }
    }

    /**
     * Checks a destination host as received from a client or a peer: 1 to
     * {@link #MAX_HOST_LENGTH} characters, no spaces and no control characters, so a host can
     * neither be empty nor forge lines in logs.
     *
     * @throws IllegalArgumentException naming the host, escaped, and the expected form
     */
    public static String checkHost(String host) {
        boolean valid = !host.isEmpty() && host.length() <= MAX_HOST_LENGTH;
        for (int i = 0; valid && i < host.length(); i++) {
            char c = host.charAt(i);
            valid = c > 0x20 && c != 0x7f && !Character.isWhitespace(c)
                    && !Character.isISOControl(c);
        }
        if (!valid) {
            throw new IllegalArgumentException("invalid host '" + printable(host)
                    + "' (expected: a name or address of 1 to " + MAX_HOST_LENGTH
                    + " characters without spaces or control characters)");
        }
        return host;
    }

    /** Returns text safe for one log line: control characters escaped, cut at 300 characters. */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 300) + 8);
        for (int i = 0; i < text.length() && out.length() < 300; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    public static FlowMetadata tcp(String host, int port) {
        return new FlowMetadata(Protocol.TCP, host, port, null, null, null, null, null);
    }

    /** Returns a copy with {@code flowId}, as the agent sets it before sending OPEN. */
    public FlowMetadata withFlowId(String flowId) {
        return new FlowMetadata(protocol, host, port, flowId, user, device, app, publisher);
    }

    public FlowMetadata withIdentity(String flowId, String user, String device, String app) {
        return new FlowMetadata(protocol, host, port, flowId, user, device, app, publisher);
    }

    public FlowMetadata withPublisher(String publisher) {
        return new FlowMetadata(protocol, host, port, flowId, user, device, app, publisher);
    }

    /** Returns {@code host:port}, with brackets around an IPv6 literal. */
    public String destination() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
