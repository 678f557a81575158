package io.ztna.proto.log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Allows at most a number of log lines per key and interval, and counts the lines held back
 * so that the next line allowed can report them as suppressed. A key names one kind of repeated
 * failure, such as a handshake failure from one address. At most {@value #MAX_KEYS} keys are
 * tracked: past that the table starts over, which at worst lets a few extra lines through.
 * Thread-safe.
 */
public final class LogLimiter {

    /** Keys tracked before the table starts over. */
    public static final int MAX_KEYS = 1024;

    /** Value of {@link #acquire} when the line is held back. */
    public static final long SUPPRESSED = -1;

    private final int linesPerInterval;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, State> states = new HashMap<>();

    /**
     * @param linesPerInterval lines allowed per key within one interval (expected: >= 1)
     * @param interval length of the window that starts with the first line allowed
     * @param clock the source of time, a fixed or stepped clock in tests
     */
    public LogLimiter(int linesPerInterval, Duration interval, Clock clock) {
        if (linesPerInterval < 1) {
            throw new IllegalArgumentException("linesPerInterval: " + linesPerInterval
                    + " (expected: >= 1)");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        this.linesPerInterval = linesPerInterval;
        this.interval = interval;
        this.clock = clock;
    }

    /**
     * Returns {@link #SUPPRESSED} when the key already had its lines within the interval, else
     * the number of lines held back since the last one allowed, which the caller logs with its
     * line (as {@code suppressed=N}).
     */
    public synchronized long acquire(String key) {
        Instant now = clock.instant();
        State state = states.get(key);
        if (state == null) {
            if (states.size() >= MAX_KEYS) {
                states.clear();
            }
            states.put(key, new State(now));
            return 0;
        }
        if (state.windowStart.plus(interval).isAfter(now)) {
            if (state.allowed < linesPerInterval) {
                state.allowed++;
                return takeSuppressed(state);
            }
            state.suppressed++;
            return SUPPRESSED;
        }
        state.windowStart = now;
        state.allowed = 1;
        return takeSuppressed(state);
    }

    private static long takeSuppressed(State state) {
        long suppressed = state.suppressed;
        state.suppressed = 0;
        return suppressed;
    }

    /** The window of one key: when it started, lines allowed in it and lines held back. */
    private static final class State {
        Instant windowStart;
        int allowed = 1;
        long suppressed;

        State(Instant windowStart) {
            this.windowStart = windowStart;
        }
    }
}
