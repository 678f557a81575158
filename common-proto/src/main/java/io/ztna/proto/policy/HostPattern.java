package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.netty.util.NetUtil;
import java.net.IDN;
import java.util.Arrays;
import java.util.Locale;

/**
 * One host entry of an app: an exact name, a wildcard ({@code *.corp.internal} matches names
 * any depth below and not {@code corp.internal} itself), an IPv4 or IPv6 address, or a CIDR
 * block. Names compare case-insensitively in their ASCII (IDNA) form, ignoring one trailing
 * dot. No pattern ever triggers a DNS lookup.
 */
public final class HostPattern {

    /** Kinds of host entry. */
    public enum Kind { NAME, WILDCARD, ADDRESS, CIDR }

    private final String text;
    private final Kind kind;
    private final String name;
    private final byte[] address;
    private final int prefixLength;

    private HostPattern(String text, Kind kind, String name, byte[] address, int prefixLength) {
        this.text = text;
        this.kind = kind;
        this.name = name;
        this.address = address;
        this.prefixLength = prefixLength;
    }

    @JsonCreator
    public static HostPattern parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        if (slash >= 0) {
            byte[] network = NetUtil.createByteArrayFromIpAddressString(trimmed.substring(0, slash));
            int prefix;
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (network == null || prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("invalid CIDR block '" + text
                        + "' (expected: ADDRESS/PREFIX, for example 10.20.0.0/16 or fd00::/8)");
            }
            return new HostPattern(trimmed, Kind.CIDR, null, mask(network, prefix), prefix);
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(stripBrackets(trimmed));
        if (literal != null) {
            return new HostPattern(trimmed, Kind.ADDRESS, null, literal, literal.length * 8);
        }
        if (trimmed.startsWith("*.")) {
            return new HostPattern(trimmed, Kind.WILDCARD, normaliseName(trimmed.substring(2), text),
                    null, 0);
        }
        return new HostPattern(trimmed, Kind.NAME, normaliseName(trimmed, text), null, 0);
    }

    /**
     * Returns the name in lower-case ASCII form without a trailing dot.
     *
     * @throws IllegalArgumentException when it is not a valid host name
     */
    public static String normaliseName(String host, String original) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            ascii = "";
        }
        if (ascii.isEmpty() || ascii.length() > 253 || !ascii.matches("[a-z0-9_.-]+")
                || ascii.startsWith(".") || ascii.contains("..")) {
            throw new IllegalArgumentException("invalid host '" + original + "' (expected: a host "
                    + "name, *.domain, an IPv4 or IPv6 address, or a CIDR block)");
        }
        return ascii;
    }

    /** Returns the name a flow's host compares as, or null when the host is an IP literal. */
    public static String flowName(String host) {
        if (NetUtil.createByteArrayFromIpAddressString(stripBrackets(host)) != null) {
            return null;
        }
        try {
            return normaliseName(host, host);
        } catch (IllegalArgumentException e) {
            return host.toLowerCase(Locale.ROOT);
        }
    }

    static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1)
                : host;
    }

    static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int bit = prefix; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }

    public Kind kind() {
        return kind;
    }

    /** Normalised name of a NAME entry, or the domain below which a WILDCARD entry matches. */
    public String name() {
        return name;
    }

    /** Network address of an ADDRESS or CIDR entry (already masked), or null. */
    public byte[] address() {
        return address == null ? null : address.clone();
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** True when the flow's host (a name or an IP literal) falls under this entry. */
    public boolean matches(String host) {
        if (kind == Kind.NAME || kind == Kind.WILDCARD) {
            String flowName = flowName(host);
            if (flowName == null) {
                return false;
            }
            return kind == Kind.NAME ? flowName.equals(name) : flowName.endsWith("." + name);
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(stripBrackets(host));
        if (literal == null || literal.length != address.length) {
            return false;
        }
        return Arrays.equals(mask(literal, prefixLength), address);
    }

    @JsonValue
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HostPattern pattern && pattern.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
