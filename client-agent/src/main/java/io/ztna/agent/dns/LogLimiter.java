package io.ztna.agent.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Allows one log line per key and interval, and counts the lines held back in between so that
 * the next line can report them. At most {@value #MAX_KEYS} keys are tracked: past that the
 * table starts over, which at worst lets a few extra lines through. Thread-safe.
 */
final class LogLimiter {

    static final int MAX_KEYS = 1024;

    private final Duration interval;
    private final Clock clock;
    private final Map<String, State> states = new HashMap<>();

    LogLimiter(Duration interval, Clock clock) {
        this.interval = interval;
        this.clock = clock;
    }

    /**
     * Returns -1 when a line for {@code key} was allowed within the interval, else the number
     * of lines held back since the last one allowed, which the caller logs with its line.
     */
    synchronized long acquire(String key) {
        Instant now = clock.instant();
        State state = states.get(key);
        if (state == null) {
            if (states.size() >= MAX_KEYS) {
                states.clear();
            }
            states.put(key, new State(now));
            return 0;
        }
        if (state.allowedAt.plus(interval).isAfter(now)) {
            state.suppressed++;
            return -1;
        }
        long suppressed = state.suppressed;
        state.allowedAt = now;
        state.suppressed = 0;
        return suppressed;
    }

    /** When a key last had a line allowed and how many were held back since. */
    private static final class State {
        Instant allowedAt;
        long suppressed;

        State(Instant allowedAt) {
            this.allowedAt = allowedAt;
        }
    }
}
