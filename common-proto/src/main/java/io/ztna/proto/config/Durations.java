package io.ztna.proto.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses config durations: a whole number and one unit, as in 500ms, 30s, 2m, 1h or 7d. */
public final class Durations {

    static final String EXPECTED = "a duration like 500ms, 30s, 2m, 1h or 7d";

    /** At most 15 digits, so that every unit up to days stays within {@link Duration}. */
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,15})(ms|s|m|h|d)");

    /** The expected form of a duration that must be more than zero. */
    public static final String POSITIVE = "a duration of more than 0, such as 500ms or 10s";

    private Durations() {
    }

    /**
     * Formats a duration as a config file writes it, in the largest unit that divides it
     * exactly: {@code 10s}, {@code 1500ms}, {@code 2m}. Parts below a millisecond are dropped,
     * which config durations never have.
     */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }

    /**
     * Checks that a duration field is more than zero, for timeouts and intervals where zero
     * has no meaning.
     *
     * @throws ConfigException naming the field and its value in config form otherwise
     */
    public static void requirePositive(ValidationContext context, String field, Duration value)
            throws ConfigException {
        if (value.isNegative() || value.isZero()) {
            context.fail(field, format(value), POSITIVE);
        }
    }

    /**
     * Parses a duration.
     *
     * @throws InvalidValueException naming the text when it has another form
     */
    public static Duration parse(String text) {
        Matcher matcher = FORMAT.matcher(text);
        if (!matcher.matches()) {
            throw new InvalidValueException(text, EXPECTED);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}
