package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.ztna.proto.frame.Protocol;
import java.util.Locale;

/**
 * A protocol and an inclusive port range, written {@code tcp:443}, {@code tcp:18000-18999} or
 * {@code udp:53}.
 */
public record AppProtocol(Protocol protocol, int firstPort, int lastPort) {

    public AppProtocol {
        if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort) {
            throw new IllegalArgumentException("invalid port range " + firstPort + "-" + lastPort
                    + " (expected: 1 <= N <= M <= 65535)");
        }
    }

    @JsonCreator
    public static AppProtocol parse(String text) {
        String expected = "' (expected: tcp:N, tcp:N-M, udp:N or udp:N-M with 1 <= N <= M <= 65535)";
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("invalid protocol '" + text + expected);
        }
        Protocol protocol = switch (text.substring(0, colon).toLowerCase(Locale.ROOT)) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> throw new IllegalArgumentException("invalid protocol '" + text + expected);
        };
        String ports = text.substring(colon + 1);
        int dash = ports.indexOf('-');
        try {
            int first = Integer.parseInt(dash < 0 ? ports : ports.substring(0, dash));
            int last = dash < 0 ? first : Integer.parseInt(ports.substring(dash + 1));
            if (first < 1 || last > 65535 || first > last) {
                throw new IllegalArgumentException("invalid protocol '" + text + expected);
            }
            return new AppProtocol(protocol, first, last);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid protocol '" + text + expected);
        }
    }

    public boolean covers(Protocol flowProtocol, int port) {
        return protocol == flowProtocol && port >= firstPort && port <= lastPort;
    }

    @JsonValue
    @Override
    public String toString() {
        String name = protocol.name().toLowerCase(Locale.ROOT);
        return firstPort == lastPort ? name + ":" + firstPort : name + ":" + firstPort + "-" + lastPort;
    }
}
