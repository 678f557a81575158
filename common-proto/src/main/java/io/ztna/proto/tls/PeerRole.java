package io.ztna.proto.tls;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The kind of workload a certificate identifies, written as a path segment of its SPIFFE id. */
public enum PeerRole {
    USER("user"),
    PUBLISHER("publisher"),
    CLIENT_GATEWAY("client-gateway"),
    PUBLISHER_GATEWAY("publisher-gateway");

    private final String wireName;

    PeerRole(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the name in SPIFFE ids and on the command line, such as {@code client-gateway}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the role with the given wire name.
     *
     * @throws IllegalArgumentException if no role has that name; the message lists the valid names
     */
    public static PeerRole fromWireName(String name) {
        for (PeerRole role : values()) {
            if (role.wireName.equals(name)) {
                return role;
            }
        }
        throw new IllegalArgumentException(
                "unknown role '" + name + "' (expected one of: " + wireNames() + ")");
    }

    /** Returns the wire names of all roles, comma separated, for help text and error messages. */
    public static String wireNames() {
        return Arrays.stream(values()).map(PeerRole::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
