package io.ztna.proto.posture;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Outcome of one posture check on a device. UNKNOWN means the agent could not tell, which a
 * condition requiring the check treats as not met.
 */
public enum CheckState {
    PASS, FAIL, UNKNOWN;

    @JsonValue
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code pass}, {@code fail} or {@code unknown}; anything else is UNKNOWN. */
    @JsonCreator
    public static CheckState parse(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "pass" -> PASS;
            case "fail" -> FAIL;
            default -> UNKNOWN;
        };
    }

    @Override
    public String toString() {
        return text();
    }

    public static CheckState of(boolean passed) {
        return passed ? PASS : FAIL;
    }
}
