package io.ztna.agent.dns;

import io.ztna.agent.capture.StubAddressLookup;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stub mappings of the agent: an IPv4 pool and, when configured, an IPv6 pool, kept in a
 * {@link MappingFile}. Looking up a stub address through {@link #hostFor} marks its mapping
 * used, as a query does. Thread-safe.
 */
public final class StubAddresses implements StubAddressLookup {

    private static final Logger log = LoggerFactory.getLogger(StubAddresses.class);

    private final StubPool ipv4;
    private final StubPool ipv6;
    private final MappingFile file;
    private final Clock clock;
    private final Duration touchSaveInterval;
    private long savedModifications;
    private long savedTouches;
    private Instant lastSave;

    /**
     * Creates empty pools, which {@link #load()} fills from the file.
     *
     * @param ipv6Range the IPv6 range, or null for no IPv6 stub addresses
     * @param touchSaveInterval the minimum time between two saves that only record new
     *     last-use times; new and reclaimed mappings are saved at the next {@link #saveIfChanged}
     */
    public StubAddresses(StubRange ipv4Range, StubRange ipv6Range, Duration idleTimeout,
            MappingFile file, Clock clock, Duration touchSaveInterval) {
        this.ipv4 = new StubPool(ipv4Range, idleTimeout, clock);
        this.ipv6 = ipv6Range == null ? null : new StubPool(ipv6Range, idleTimeout, clock);
        this.file = file;
        this.clock = clock;
        this.touchSaveInterval = touchSaveInterval;
        this.lastSave = clock.instant();
    }

    /** Returns whether IPv6 stub addresses are configured. */
    public boolean hasIpv6() {
        return ipv6 != null;
    }

    /**
     * Returns the stub address of an app name for A ({@code ipv6Address} false) or AAAA queries,
     * assigning one when the name has none.
     *
     * @param name a normalised name
     * @return the address, or null when the pool is full of mappings used within the idle
     *     timeout or, for IPv6, when no IPv6 range is configured
     */
    public InetAddress addressFor(String name, boolean ipv6Address) {
        StubPool pool = ipv6Address ? ipv6 : ipv4;
        return pool == null ? null : pool.addressFor(name);
    }

    @Override
    public String hostFor(InetAddress address) {
        String name = ipv4.nameFor(address);
        if (name == null && ipv6 != null) {
            name = ipv6.nameFor(address);
        }
        return name;
    }

    /** Returns the range that a full pool for this family came from, for messages. */
    StubRange range(boolean ipv6Address) {
        return ipv6Address ? ipv6.range() : ipv4.range();
    }

    /** Returns every mapping, most recently used first, then by name, IPv4 before IPv6. */
    public List<StubMapping> mappings() {
        List<StubMapping> all = new ArrayList<>(ipv4.mappings());
        if (ipv6 != null) {
            all.addAll(ipv6.mappings());
        }
        all.sort(Comparator.comparing(StubMapping::lastUsed).reversed()
                .thenComparing(StubMapping::name)
                .thenComparing(mapping -> mapping.address().getAddress().length));
        return all;
    }

    public int size() {
        return ipv4.size() + (ipv6 == null ? 0 : ipv6.size());
    }

    /**
     * Loads the mappings from the file. Mappings whose address is outside the configured
     * ranges, because the ranges changed, are dropped with one log line.
     *
     * @throws IOException when the file exists but cannot be read or parsed
     */
    public synchronized void load() throws IOException {
        List<StubMapping> mappings = new ArrayList<>(file.read());
        mappings.sort(Comparator.comparing(StubMapping::lastUsed));
        int dropped = 0;
        for (StubMapping mapping : mappings) {
            StubPool pool = mapping.address().getAddress().length == 4 ? ipv4 : ipv6;
            if (pool == null || !pool.restore(mapping)) {
                dropped++;
            }
        }
        if (dropped > 0) {
            log.info("stub mappings dropped at load: file={} dropped={} reason=\"address outside "
                    + "the configured stub ranges or taken twice\"", file.path(), dropped);
        }
        savedModifications = modifications();
        savedTouches = touches();
    }

    /**
     * Writes the file when mappings were added or reclaimed since the last save, or when they
     * were only used and the last save is at least the touch save interval old.
     *
     * @return whether the file was written
     */
    public synchronized boolean saveIfChanged() throws IOException {
        long modifications = modifications();
        long touches = touches();
        boolean added = modifications != savedModifications;
        boolean used = touches != savedTouches
                && !lastSave.plus(touchSaveInterval).isAfter(clock.instant());
        if (!added && !used) {
            return false;
        }
        save(modifications, touches);
        return true;
    }

    /** Writes the file now. */
    public synchronized void save() throws IOException {
        save(modifications(), touches());
    }

    private void save(long modifications, long touches) throws IOException {
        file.write(mappings());
        savedModifications = modifications;
        savedTouches = touches;
        lastSave = clock.instant();
    }

    private long modifications() {
        return ipv4.modifications() + (ipv6 == null ? 0 : ipv6.modifications());
    }

    private long touches() {
        return ipv4.touches() + (ipv6 == null ? 0 : ipv6.touches());
    }
}
