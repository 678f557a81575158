package io.ztna.agent.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publisher DNS answers by name and type, each kept for the smallest TTL of its records and at
 * most {@link #maxTtl}. A hit returns the stored answer with every TTL lowered by the whole
 * seconds it spent here. At most {@link #maxEntries} answers are kept, least recently used
 * dropped first. Thread-safe.
 */
final class AnswerCache {

    private final Clock clock;
    private final Duration maxTtl;
    private final int maxEntries;
    private final LinkedHashMap<Key, Entry> entries;

    AnswerCache(Clock clock, Duration maxTtl, int maxEntries) {
        this.clock = clock;
        this.maxTtl = maxTtl;
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > AnswerCache.this.maxEntries;
            }
        };
    }

    /**
     * Returns a copy of the cached answer with aged TTLs, or null when none is cached or it
     * has expired. The copy keeps the id the answer was stored with.
     *
     * @param name a normalised name
     */
    synchronized byte[] get(String name, int type) {
        Key key = new Key(name, type);
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        Instant now = clock.instant();
        if (!now.isBefore(entry.expires())) {
            entries.remove(key);
            return null;
        }
        long elapsed = Duration.between(entry.stored(), now).toSeconds();
        byte[] answer = entry.answer().clone();
        DnsPackets.visitRecords(answer, (section, recordType, ttlOffset, dataOffset, length) -> {
            if (!DnsPackets.isOpt(recordType)) {
                long ttl = DnsPackets.u32(answer, ttlOffset);
                DnsPackets.putU32(answer, ttlOffset, Math.max(0, ttl - elapsed));
            }
        });
        return answer;
    }

    /**
     * Stores an answer for the smallest TTL of its answer, authority and additional records,
     * capped at the maximum TTL. An answer without records or with a zero TTL is not stored.
     *
     * @throws IllegalArgumentException when the answer is not a well-formed DNS message
     */
    synchronized void put(String name, int type, byte[] answer) {
        long[] minTtl = {Long.MAX_VALUE};
        DnsPackets.visitRecords(answer, (section, recordType, ttlOffset, dataOffset, length) -> {
            if (!DnsPackets.isOpt(recordType)) {
                minTtl[0] = Math.min(minTtl[0], DnsPackets.u32(answer, ttlOffset));
            }
        });
        if (minTtl[0] == Long.MAX_VALUE || minTtl[0] == 0) {
            return;
        }
        Duration ttl = Duration.ofSeconds(minTtl[0]);
        if (ttl.compareTo(maxTtl) > 0) {
            ttl = maxTtl;
        }
        Instant now = clock.instant();
        entries.put(new Key(name, type), new Entry(answer.clone(), now, now.plus(ttl)));
    }

    synchronized int size() {
        return entries.size();
    }

    private record Key(String name, int type) {
    }

    private record Entry(byte[] answer, Instant stored, Instant expires) {
    }
}
