package io.ztna.proto.frame;

import java.util.Objects;

/**
 * What an OPEN carries about a flow. The agent fills protocol, host and port; the client
 * gateway adds the flow id, user, device, app and the chosen publisher for the later hops.
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
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: empty (expected: a name or an address)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
        }
    }

    public static FlowMetadata tcp(String host, int port) {
        return new FlowMetadata(Protocol.TCP, host, port, null, null, null, null, null);
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
