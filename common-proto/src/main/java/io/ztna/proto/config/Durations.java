package io.ztna.proto.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses config durations: a whole number and one unit, as in 500ms, 30s, 2m, 1h or 7d. */
public final class Durations {

    static final String EXPECTED = "a duration like 500ms, 30s, 2m, 1h or 7d";

    /** At most 15 digits, so that every unit up to days stays within {@link Duration}. */
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,15})(ms|s|m|h|d)");

    private Durations() {
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
