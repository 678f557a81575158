package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.ztna.proto.config.InvalidValueException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One host entry of an app: an exact name ({@code intranet.corp.internal}), a wildcard
 * ({@code *.corp.internal} covers names at any depth below {@code corp.internal} but not
 * {@code corp.internal} itself), an IPv4 or IPv6 address, or a CIDR block
 * ({@code 10.20.0.0/16}, {@code fd00::/8}). Names compare case-insensitively in their ASCII
 * (IDNA) form and ignore one trailing dot, so {@code Bücher.example.} and
 * {@code xn--bcher-kva.example} are the same name. IPv4-mapped IPv6 addresses and blocks are
 * read in their IPv4 form: {@code ::ffff:10.0.0.0/104} is the block {@code 10.0.0.0/8}. Nothing
 * here resolves names. Immutable.
 */
public final class HostPattern {

    static final String EXPECTED = "a host name, *.domain, an IPv4 or IPv6 address, "
            + "or a CIDR block like 10.20.0.0/16";

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

    /**
     * Parses a host entry. Host bits after a CIDR prefix are ignored: {@code 10.20.1.0/16}
     * is the block {@code 10.20.0.0/16}.
     *
     * @throws InvalidValueException naming the text when it has no accepted form
     */
    @JsonCreator
    public static HostPattern parse(String text) {
        int slash = text.indexOf('/');
        if (slash >= 0) {
            return parseCidr(text, slash);
        }
        byte[] literal = HostNames.ipLiteral(text);
        if (literal != null) {
            return new HostPattern(text, Kind.ADDRESS, null, literal, literal.length * 8);
        }
        boolean wildcard = text.startsWith("*.");
        String name = HostNames.normalise(wildcard ? text.substring(2) : text);
        if (name == null) {
            throw new InvalidValueException(text, EXPECTED);
        }
        return new HostPattern(text, wildcard ? Kind.WILDCARD : Kind.NAME, name, null, 0);
    }

    private static HostPattern parseCidr(String text, int slash) {
        String networkText = text.substring(0, slash);
        byte[] network = HostNames.ipLiteral(networkText);
        String prefixText = text.substring(slash + 1);
        if (network == null || prefixText.isEmpty() || prefixText.length() > 3
                || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidValueException(text, EXPECTED);
        }
        int prefix = Integer.parseInt(prefixText);
        if (network.length == 4 && networkText.indexOf(':') >= 0) {
            prefix = ipv4MappedPrefix(text, prefix);
        }
        if (prefix > network.length * 8) {
            throw new InvalidValueException(text, EXPECTED);
        }
        return new HostPattern(text, Kind.CIDR, null, HostNames.mask(network, prefix), prefix);
    }

    /**
     * Converts the IPv6 prefix length of an IPv4-mapped block such as {@code ::ffff:10.0.0.0/104}
     * to the IPv4 prefix length of the same addresses (here 8), because flows to mapped
     * addresses are matched in their IPv4 form.
     *
     * @throws InvalidValueException when the prefix is below 96, because such a block also
     *     covers addresses that are not IPv4-mapped
     */
    private static int ipv4MappedPrefix(String text, int prefix) {
        if (prefix < 96 || prefix > 128) {
            throw new InvalidValueException(text, "an IPv4-mapped block with a prefix length "
                    + "from 96 to 128, such as ::ffff:10.0.0.0/104, or its IPv4 form 10.0.0.0/8");
        }
        return prefix - 96;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Returns the normalised name of a NAME entry, the domain below which a WILDCARD entry
     * matches, or null for addresses and blocks.
     */
    public String name() {
        return name;
    }

    /** Returns a copy of the address of an ADDRESS entry or the masked network of a CIDR entry. */
    public byte[] address() {
        return address == null ? null : address.clone();
    }

    /** Returns the prefix length of a CIDR entry, the address length in bits of an ADDRESS. */
    public int prefixLength() {
        return prefixLength;
    }

    byte[] addressUnsafe() {
        return address;
    }

    /** Returns whether a flow's destination, a host name or an IP literal, is under this entry. */
    public boolean matches(String host) {
        byte[] literal = HostNames.ipLiteral(host);
        if (kind == Kind.ADDRESS || kind == Kind.CIDR) {
            return literal != null && literal.length == address.length
                    && Arrays.equals(HostNames.mask(literal, prefixLength), address);
        }
        String flowName = literal == null ? HostNames.normalise(host) : null;
        if (flowName == null) {
            return false;
        }
        return kind == Kind.NAME ? flowName.equals(name) : flowName.endsWith("." + name);
    }

    /** Returns the entry as written in config. */
    @JsonValue
    @Override
    public String toString() {
        return text;
    }

    /** Returns whether both entries cover the same hosts, however they were written. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HostPattern pattern && pattern.kind == kind
                && Objects.equals(pattern.name, name)
                && Arrays.equals(pattern.address, address)
                && pattern.prefixLength == prefixLength;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * kind.hashCode() + Objects.hashCode(name))
                + Arrays.hashCode(address) + prefixLength;
    }
}
