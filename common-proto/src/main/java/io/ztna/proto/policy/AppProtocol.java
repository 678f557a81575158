package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.ztna.proto.config.InvalidValueException;
import io.ztna.proto.frame.Protocol;
import java.util.Locale;

/**
 * A transport protocol and port range that an app serves, written {@code tcp:443},
 * {@code tcp:18000-18999}, {@code udp:53} or {@code udp:1000-2000}.
 */
public record AppProtocol(Protocol protocol, PortRange ports) {

    static final String EXPECTED =
            "tcp:N, tcp:N-M, udp:N or udp:N-M with 1 <= N <= M <= 65535";

    /**
     * Parses an entry.
     *
     * @throws InvalidValueException naming the text when it has another form or is out of range
     */
    @JsonCreator
    public static AppProtocol parse(String text) {
        int colon = text.indexOf(':');
        Protocol protocol = colon < 0 ? null : switch (text.substring(0, colon)) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> null;
        };
        if (protocol == null) {
            throw new InvalidValueException(text, EXPECTED);
        }
        try {
            return new AppProtocol(protocol, PortRange.parse(text.substring(colon + 1)));
        } catch (InvalidValueException e) {
            throw new InvalidValueException(text, EXPECTED);
        }
    }

    /** Returns whether a flow with this protocol and destination port falls in this entry. */
    public boolean covers(Protocol flowProtocol, int port) {
        return protocol == flowProtocol && ports.contains(port);
    }

    @JsonValue
    @Override
    public String toString() {
        return protocol.name().toLowerCase(Locale.ROOT) + ":" + ports;
    }
}
