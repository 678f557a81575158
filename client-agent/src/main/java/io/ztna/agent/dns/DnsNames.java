package io.ztna.agent.dns;

import io.ztna.proto.config.InvalidValueException;
import io.ztna.proto.policy.HostPattern;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** Host names as the DNS server compares them, and reverse-lookup names (PTR). */
final class DnsNames {

    private static final String IPV4_REVERSE = ".in-addr.arpa";
    private static final String IPV6_REVERSE = ".ip6.arpa";

    private DnsNames() {
    }

    /**
     * Returns a name in the form app host patterns compare: lower-case ASCII (IDNA) without
     * one trailing dot. Returns null for IP literals and invalid names, which no app name
     * pattern covers.
     */
    static String normalise(String name) {
        String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (trimmed.startsWith("*")) {
            return null;
        }
        try {
            HostPattern pattern = HostPattern.parse(trimmed);
            return pattern.kind() == HostPattern.Kind.NAME ? pattern.name() : null;
        } catch (InvalidValueException e) {
            return null;
        }
    }

    /**
     * Returns the address that a PTR query name such as {@code 1.0.64.100.in-addr.arpa.} or a
     * full 32-nibble {@code ip6.arpa} name stands for, or null for any other name.
     */
    static InetAddress reverseAddress(String queryName) {
        String name = queryName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        byte[] address;
        if (name.endsWith(IPV4_REVERSE)) {
            address = parseLabels(name.substring(0, name.length() - IPV4_REVERSE.length()), 4);
        } else if (name.endsWith(IPV6_REVERSE)) {
            address = parseNibbles(name.substring(0, name.length() - IPV6_REVERSE.length()));
        } else {
            return null;
        }
        if (address == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Parses reversed decimal octets such as {@code 1.0.64.100}. */
    private static byte[] parseLabels(String reversed, int count) {
        String[] labels = reversed.split("\\.", -1);
        if (labels.length != count) {
            return null;
        }
        byte[] address = new byte[count];
        for (int i = 0; i < count; i++) {
            String label = labels[count - 1 - i];
            if (label.isEmpty() || label.length() > 3
                    || !label.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(label);
            if (value > 255) {
                return null;
            }
            address[i] = (byte) value;
        }
        return address;
    }

    /** Parses 32 reversed hex nibbles such as {@code 1.0.0.0. ... .a.7.d.f}. */
    private static byte[] parseNibbles(String reversed) {
        String[] labels = reversed.split("\\.", -1);
        if (labels.length != 32) {
            return null;
        }
        byte[] address = new byte[16];
        for (int i = 0; i < 32; i++) {
            String label = labels[31 - i];
            int nibble = label.length() == 1 ? Character.digit(label.charAt(0), 16) : -1;
            if (nibble < 0) {
                return null;
            }
            address[i / 2] |= (byte) (i % 2 == 0 ? nibble << 4 : nibble);
        }
        return address;
    }
}
