package io.ztna.agent.dns;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.ztna.proto.config.InvalidValueException;
import io.ztna.proto.policy.HostPattern;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A CIDR block that stub addresses come from. The first address (the network) and the last
 * (broadcast in IPv4) are never handed out, so a /29 has 6 usable addresses. Usable addresses
 * are numbered from 0, which is the network address plus one. Immutable.
 */
public final class StubRange {

    static final String EXPECTED = "a CIDR block like 100.64.0.0/10 or fd7a:ffff:ffff::/96";

    private final String text;
    private final int addressLength;
    private final int prefixLength;
    private final BigInteger network;
    private final long capacity;

    private StubRange(String text, byte[] network, int prefixLength) {
        this.text = text;
        this.addressLength = network.length;
        this.prefixLength = prefixLength;
        this.network = new BigInteger(1, network);
        BigInteger size = BigInteger.ONE.shiftLeft(network.length * 8 - prefixLength);
        BigInteger usable = size.subtract(BigInteger.TWO).max(BigInteger.ZERO);
        this.capacity = usable.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }

    /**
     * Parses a block such as {@code 100.64.0.0/10}. Host bits after the prefix are ignored.
     *
     * @throws InvalidValueException naming the text when it is not a CIDR block
     */
    @JsonCreator
    public static StubRange parse(String text) {
        HostPattern pattern;
        try {
            pattern = HostPattern.parse(text);
        } catch (InvalidValueException e) {
            throw new InvalidValueException(text, EXPECTED);
        }
        if (pattern.kind() != HostPattern.Kind.CIDR) {
            throw new InvalidValueException(text, EXPECTED);
        }
        return new StubRange(text, pattern.address(), pattern.prefixLength());
    }

    public boolean isIpv4() {
        return addressLength == 4;
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** Returns the number of usable addresses, at most {@link Long#MAX_VALUE}. */
    public long capacity() {
        return capacity;
    }

    /** Returns usable address number {@code index}, from 0 to {@link #capacity()} - 1. */
    public InetAddress addressAt(long index) {
        if (index < 0 || index >= capacity) {
            throw new IndexOutOfBoundsException("address index " + index + " outside " + text
                    + " with " + capacity + " usable addresses");
        }
        byte[] value = network.add(BigInteger.valueOf(index + 1)).toByteArray();
        byte[] address = new byte[addressLength];
        int copied = Math.min(value.length, addressLength);
        System.arraycopy(value, value.length - copied, address, addressLength - copied, copied);
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of length " + addressLength, e);
        }
    }

    /**
     * Returns the number of a usable address of this range, or -1 for an address of the other
     * family, outside the range, or the first or last address of the range.
     */
    public long indexOf(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != addressLength) {
            return -1;
        }
        BigInteger offset = new BigInteger(1, bytes).subtract(network);
        if (offset.signum() <= 0 || offset.compareTo(BigInteger.valueOf(capacity)) > 0) {
            return -1;
        }
        return offset.longValue() - 1;
    }

    @JsonValue
    @Override
    public String toString() {
        return text;
    }
}
