package io.ztna.proto.tunnel;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff for reconnects: the n-th delay is drawn uniformly from half to
 * all of {@code min(max, initial * 2^n)}, so peers that lost the same gateway do not all
 * return at the same moment. Not thread-safe; each dialler owns one.
 */
public final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int attempt;

    public Backoff(long initialMillis, long maxMillis) {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("initialMillis " + initialMillis + ", maxMillis "
                    + maxMillis + " (expected: 0 < initial <= max)");
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
    }

    /** Returns the delay before the next attempt, in milliseconds, and counts the attempt. */
    public long nextDelayMillis() {
        int shift = Math.min(attempt, 30);
        attempt++;
        long ceiling = Math.min(maxMillis, initialMillis << shift);
        long floor = ceiling / 2;
        return floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1);
    }

    /** Number of delays handed out since the last {@link #reset()}. */
    public int attempts() {
        return attempt;
    }

    public void reset() {
        attempt = 0;
    }
}
