package io.ztna.proto.config;

/**
 * A scalar config value has the wrong form. Value types throw it from their parsers, and
 * {@link ConfigLoader} puts the file, line and field path in front of its message.
 */
public final class InvalidValueException extends IllegalArgumentException {

    private final String value;
    private final String expected;

    /**
     * Creates the exception for {@code value}, with {@code expected} describing the accepted
     * forms, such as {@code "a duration like 500ms, 30s, 2m, 1h or 7d"}.
     */
    public InvalidValueException(String value, String expected) {
        super("invalid value '" + value + "': expected " + expected);
        this.value = value;
        this.expected = expected;
    }

    public String value() {
        return value;
    }

    public String expected() {
        return expected;
    }
}
