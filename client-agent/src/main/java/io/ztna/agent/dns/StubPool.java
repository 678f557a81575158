package io.ztna.agent.dns;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stub addresses of one {@link StubRange}, each bound to one name. A name keeps its address
 * for as long as the mapping lives. A mapping is reclaimed only when the range has no free
 * address left and the mapping has not been used for the idle timeout. The least recently
 * used mapping goes first. Thread-safe.
 */
final class StubPool {

    private static final Logger log = LoggerFactory.getLogger(StubPool.class);

    private final StubRange range;
    private final Duration idleTimeout;
    private final Clock clock;
    /** Mappings in access order, so the first one is the least recently used. */
    private final LinkedHashMap<String, Entry> byName = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Long, Entry> byIndex = new HashMap<>();
    private long nextIndex;
    private long modifications;
    private long touches;

    StubPool(StubRange range, Duration idleTimeout, Clock clock) {
        this.range = range;
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    StubRange range() {
        return range;
    }

    /**
     * Returns the name's address and marks the mapping used, assigning a free address or
     * reclaiming an idle mapping when the name has none.
     *
     * @param name a normalised name
     * @return the address, or null when every address is taken by a mapping used within the
     *     idle timeout
     */
    synchronized InetAddress addressFor(String name) {
        Instant now = clock.instant();
        Entry entry = byName.get(name);
        if (entry != null) {
            entry.lastUsed = now;
            touches++;
            return range.addressAt(entry.index);
        }
        long index = byName.size() < range.capacity() ? freeIndex() : reclaimIdle(now, name);
        if (index < 0) {
            return null;
        }
        entry = new Entry(name, index, now);
        byName.put(name, entry);
        byIndex.put(index, entry);
        modifications++;
        InetAddress address = range.addressAt(index);
        log.debug("stub address assigned: name={} address={}", name, address.getHostAddress());
        return address;
    }

    /** Returns the name of a stub address and marks the mapping used, or null for none. */
    synchronized String nameFor(InetAddress address) {
        long index = range.indexOf(address);
        Entry entry = index < 0 ? null : byIndex.get(index);
        if (entry == null) {
            return null;
        }
        byName.get(entry.name); // moves the entry to the end of the access order
        entry.lastUsed = clock.instant();
        touches++;
        return entry.name;
    }

    /**
     * Adds a mapping read from the state file. Restore mappings oldest first, so that the
     * reclaim order follows their last use.
     *
     * @return false when the address is outside the range or the name or address is taken
     */
    synchronized boolean restore(StubMapping mapping) {
        long index = range.indexOf(mapping.address());
        if (index < 0 || byName.containsKey(mapping.name()) || byIndex.containsKey(index)) {
            return false;
        }
        Entry entry = new Entry(mapping.name(), index, mapping.lastUsed());
        byName.put(entry.name, entry);
        byIndex.put(index, entry);
        return true;
    }

    /** Returns the mappings, least recently used first. */
    synchronized List<StubMapping> mappings() {
        List<StubMapping> list = new ArrayList<>(byName.size());
        for (Entry entry : byName.values()) {
            list.add(new StubMapping(entry.name, range.addressAt(entry.index), entry.lastUsed));
        }
        return list;
    }

    synchronized int size() {
        return byName.size();
    }

    /** Returns the number of mappings added or reclaimed so far; it grows on every change. */
    synchronized long modifications() {
        return modifications;
    }

    /** Returns the number of times a mapping was marked used. */
    synchronized long touches() {
        return touches;
    }

    /**
     * Returns a free index, searching from where the last search ended. The caller checked
     * that one exists, and the search passes at most one index per mapping before finding it.
     */
    private long freeIndex() {
        for (long tried = 0; tried < range.capacity(); tried++) {
            long index = nextIndex;
            nextIndex = nextIndex + 1 == range.capacity() ? 0 : nextIndex + 1;
            if (!byIndex.containsKey(index)) {
                return index;
            }
        }
        return -1;
    }

    /** Removes the least recently used mapping if it is idle and returns its index, else -1. */
    private long reclaimIdle(Instant now, String newName) {
        Iterator<Entry> oldest = byName.values().iterator();
        if (!oldest.hasNext()) {
            return -1;
        }
        Entry entry = oldest.next();
        if (entry.lastUsed.plus(idleTimeout).isAfter(now)) {
            return -1;
        }
        oldest.remove();
        byIndex.remove(entry.index);
        modifications++;
        log.info("stub mapping reclaimed: name={} address={} lastUsed={} range={} newName={}",
                entry.name, range.addressAt(entry.index).getHostAddress(), entry.lastUsed, range,
                newName);
        return entry.index;
    }

    /** A mapping's mutable state, guarded by the pool's lock. */
    private static final class Entry {
        final String name;
        final long index;
        Instant lastUsed;

        Entry(String name, long index, Instant lastUsed) {
            this.name = name;
            this.index = index;
            this.lastUsed = lastUsed;
        }
    }
}
