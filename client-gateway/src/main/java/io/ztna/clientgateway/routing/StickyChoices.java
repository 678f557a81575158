package io.ztna.clientgateway.routing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The publisher chosen last for each (user, app), kept until it was not chosen again for the
 * stickiness period. At most {@code maxEntries} pairs are kept, and the least recently used
 * pair is forgotten first. Not thread-safe: {@link PublisherSelector} guards it.
 */
final class StickyChoices {

    private final long stickinessNanos;
    private final Map<Key, Entry> entries;

    /** @param stickinessNanos how long a choice lasts after its last use; 0 keeps none */
    StickyChoices(long stickinessNanos, int maxEntries) {
        this.stickinessNanos = stickinessNanos;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** Returns the publisher chosen for the pair, or null when none is or it expired. */
    String get(String user, String app, long nowNanos) {
        Key key = new Key(user, app);
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (nowNanos - entry.expiresAtNanos() >= 0) {
            entries.remove(key);
            return null;
        }
        return entry.publisher();
    }

    /** Stores the choice for the pair, and restarts its stickiness period. */
    void put(String user, String app, String publisher, long nowNanos) {
        if (stickinessNanos <= 0 || user == null || app == null) {
            return;
        }
        entries.put(new Key(user, app), new Entry(publisher, nowNanos + stickinessNanos));
    }

    int size() {
        return entries.size();
    }

    private record Key(String user, String app) {
    }

    private record Entry(String publisher, long expiresAtNanos) {
    }
}
