package io.ztna.proto.policy;

import io.ztna.proto.config.InvalidValueException;

/**
 * An inclusive range of ports, written {@code N} or {@code N-M}.
 *
 * @param first 1 to 65535
 * @param last {@code first} to 65535
 */
public record PortRange(int first, int last) {

    static final String EXPECTED = "N or N-M with 1 <= N <= M <= 65535";

    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new InvalidValueException(first + "-" + last, EXPECTED);
        }
    }

    /** Returns the range of one port. */
    public static PortRange of(int port) {
        return new PortRange(port, port);
    }

    /**
     * Parses {@code N} or {@code N-M}.
     *
     * @throws InvalidValueException naming the text when it has another form or is out of range
     */
    public static PortRange parse(String text) {
        int dash = text.indexOf('-');
        int first = parsePort(dash < 0 ? text : text.substring(0, dash));
        int last = dash < 0 ? first : parsePort(text.substring(dash + 1));
        if (first < 1 || last < 1 || first > last) {
            throw new InvalidValueException(text, EXPECTED);
        }
        return new PortRange(first, last);
    }

    /** Returns the port, or -1 when the text is not a number from 0 to 65535. */
    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5
                || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int port = Integer.parseInt(text);
        return port > 65535 ? -1 : port;
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
