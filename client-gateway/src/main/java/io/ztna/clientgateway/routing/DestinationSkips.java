package io.ztna.clientgateway.routing;

import io.ztna.proto.frame.OpenResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishers set aside for one destination after failing to connect to it. After
 * {@link #FAILURES_BEFORE_SKIP} consecutive failures (APP_REFUSED, APP_UNREACHABLE or
 * TIMED_OUT) the publisher is skipped for that destination for 1 s. Each failure after a skip
 * period has ended skips it again for twice as long, up to 60 s. A CONNECTED result clears the
 * failures. At most {@code maxEntries} (publisher, destination) pairs are kept, and the least
 * recently used pair is forgotten first. Not thread-safe: {@link PublisherSelector} guards it.
 */
final class DestinationSkips {

    static final int FAILURES_BEFORE_SKIP = 3;
    static final long FIRST_SKIP_NANOS = 1_000_000_000L;
    static final long MAX_SKIP_NANOS = 60_000_000_000L;

    private final Map<Key, Failures> entries;

    DestinationSkips(int maxEntries) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Failures> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** Returns whether {@code publisher} is set aside for {@code destination} now. */
    boolean isSkipped(String publisher, String destination, long nowNanos) {
        if (destination == null) {
            return false;
        }
        Failures failures = entries.get(new Key(publisher, destination));
        return failures != null && failures.skipped(nowNanos);
    }

    /** Counts the outcome of a stream open; results other than those named above are ignored. */
    void record(String publisher, String destination, OpenResult result, long nowNanos) {
        if (destination == null) {
            return;
        }
        Key key = new Key(publisher, destination);
        if (result == OpenResult.CONNECTED) {
            entries.remove(key);
            return;
        }
        if (result != OpenResult.APP_REFUSED && result != OpenResult.APP_UNREACHABLE
                && result != OpenResult.TIMED_OUT) {
            return;
        }
        entries.computeIfAbsent(key, k -> new Failures()).add(nowNanos);
    }

    int size() {
        return entries.size();
    }

    private record Key(String publisher, String destination) {
    }

    /** Consecutive failures of one publisher to one destination. */
    private static final class Failures {

        private int count;
        private long nextSkipNanos = FIRST_SKIP_NANOS;
        private long skipUntilNanos;
        private boolean skipping;

        boolean skipped(long nowNanos) {
            return skipping && nowNanos - skipUntilNanos < 0;
        }

        /**
         * Counts a failure. A failure that arrives while the publisher is skipped comes from a
         * flow opened before the skip began, or from one tried because every candidate was
         * skipped, so it neither restarts nor lengthens the period.
         */
        void add(long nowNanos) {
            count++;
            if (count < FAILURES_BEFORE_SKIP || skipped(nowNanos)) {
                return;
            }
            skipping = true;
            skipUntilNanos = nowNanos + nextSkipNanos;
            nextSkipNanos = Math.min(nextSkipNanos * 2, MAX_SKIP_NANOS);
        }
    }
}
