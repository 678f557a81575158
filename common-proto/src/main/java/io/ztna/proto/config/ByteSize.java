package io.ztna.proto.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory in bytes, written in config as a plain integer of bytes or with a binary
 * unit: {@code 256KiB}, {@code 16MiB}, {@code 1GiB}.
 *
 * @param bytes zero or more
 */
public record ByteSize(long bytes) {

    static final String EXPECTED =
            "a size in bytes like 65536, 256KiB, 16MiB or 1GiB (at least 0)";

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,19})(KiB|MiB|GiB)?");

    public ByteSize {
        if (bytes < 0) {
            throw new InvalidValueException(Long.toString(bytes), EXPECTED);
        }
    }

    /**
     * Parses a size.
     *
     * @throws InvalidValueException naming the text when it has another form or overflows
     */
    @JsonCreator
    public static ByteSize parse(String text) {
        Matcher matcher = FORMAT.matcher(text);
        if (!matcher.matches()) {
            throw new InvalidValueException(text, EXPECTED);
        }
        String unit = matcher.group(2);
        int shift = unit == null ? 0 : switch (unit) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            default -> 30;
        };
        try {
            return new ByteSize(Math.multiplyExact(Long.parseLong(matcher.group(1)), 1L << shift));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new InvalidValueException(text, EXPECTED);
        }
    }

    /** Reads a plain YAML integer as a number of bytes. */
    @JsonCreator
    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    /** Returns the size in the largest unit that divides it, so that it parses back. */
    @JsonValue
    @Override
    public String toString() {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return Long.toString(bytes);
    }
}
