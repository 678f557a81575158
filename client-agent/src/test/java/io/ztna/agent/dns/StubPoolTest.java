package io.ztna.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stub address ranges and pools: usable addresses, stable mappings, exhaustion, reclaim. */
class StubPoolTest {

    private static final Duration IDLE = Duration.ofMinutes(10);
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T10:00:00Z"));

    private StubPool pool(String range) {
        return new StubPool(StubRange.parse(range), IDLE, clock);
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void rangeExcludesFirstAndLast() throws Exception {
        StubRange range = StubRange.parse("100.64.0.0/29");

        assertThat(range.capacity()).isEqualTo(6);
        assertThat(range.addressAt(0)).isEqualTo(ip("100.64.0.1"));
        assertThat(range.addressAt(5)).isEqualTo(ip("100.64.0.6"));
        assertThat(range.indexOf(ip("100.64.0.0"))).isEqualTo(-1);
        assertThat(range.indexOf(ip("100.64.0.7"))).isEqualTo(-1);
        assertThat(range.indexOf(ip("100.64.0.8"))).isEqualTo(-1);
        assertThat(range.indexOf(ip("100.64.0.3"))).isEqualTo(2);
        assertThat(range.indexOf(ip("::1"))).isEqualTo(-1);
    }

    @Test
    void ipv6RangeNumbersAddresses() throws Exception {
        StubRange range = StubRange.parse("fd7a:ffff:ffff::/96");

        assertThat(range.isIpv4()).isFalse();
        assertThat(range.capacity()).isEqualTo((1L << 32) - 2);
        assertThat(range.addressAt(0)).isEqualTo(ip("fd7a:ffff:ffff::1"));
        assertThat(range.addressAt(0xFFFF)).isEqualTo(ip("fd7a:ffff:ffff::1:0"));
        assertThat(range.indexOf(ip("fd7a:ffff:ffff::ffff:fffe"))).isEqualTo((1L << 32) - 3);
        assertThat(range.indexOf(ip("fd7a:ffff:ffff::ffff:ffff"))).isEqualTo(-1);
    }

    @Test
    void poolHandsOutUsableAddressesInOrder() throws Exception {
        StubPool pool = pool("100.64.0.0/29");

        List<InetAddress> assigned = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            assigned.add(pool.addressFor("app" + i + ".corp.internal"));
        }

        assertThat(assigned).containsExactly(ip("100.64.0.1"), ip("100.64.0.2"),
                ip("100.64.0.3"), ip("100.64.0.4"), ip("100.64.0.5"), ip("100.64.0.6"));
    }

    @Test
    void poolKeepsNameStable() throws Exception {
        StubPool pool = pool("100.64.0.0/29");
        InetAddress first = pool.addressFor("intranet.corp.internal");
        pool.addressFor("wiki.corp.internal");

        assertThat(pool.addressFor("intranet.corp.internal")).isEqualTo(first);
        assertThat(pool.nameFor(first)).isEqualTo("intranet.corp.internal");
        assertThat(pool.nameFor(ip("100.64.0.5"))).isNull();
        assertThat(pool.size()).isEqualTo(2);
    }

    @Test
    void fullPoolReturnsNull() throws Exception {
        StubPool pool = pool("100.64.0.0/29");
        for (int i = 1; i <= 6; i++) {
            pool.addressFor("app" + i + ".corp.internal");
        }

        clock.advance(IDLE.minusMillis(1));

        assertThat(pool.addressFor("app7.corp.internal")).isNull();
        assertThat(pool.addressFor("app3.corp.internal")).isEqualTo(ip("100.64.0.3"));
        assertThat(pool.size()).isEqualTo(6);
    }

    @Test
    void idleMappingReclaimedForNewName() throws Exception {
        StubPool pool = pool("100.64.0.0/29");
        for (int i = 1; i <= 6; i++) {
            pool.addressFor("app" + i + ".corp.internal");
            clock.advance(Duration.ofSeconds(1));
        }
        clock.advance(IDLE);

        InetAddress reused = pool.addressFor("app7.corp.internal");

        assertThat(reused).isEqualTo(ip("100.64.0.1"));
        assertThat(pool.nameFor(reused)).isEqualTo("app7.corp.internal");
        assertThat(pool.mappings()).extracting(StubMapping::name)
                .doesNotContain("app1.corp.internal");
    }

    @Test
    void lookupByAddressDelaysReclaim() throws Exception {
        StubPool pool = pool("100.64.0.0/29");
        for (int i = 1; i <= 6; i++) {
            pool.addressFor("app" + i + ".corp.internal");
        }
        clock.advance(IDLE);
        assertThat(pool.nameFor(ip("100.64.0.1"))).isEqualTo("app1.corp.internal");

        InetAddress reused = pool.addressFor("app7.corp.internal");

        assertThat(reused).isEqualTo(ip("100.64.0.2"));
        assertThat(pool.nameFor(ip("100.64.0.1"))).isEqualTo("app1.corp.internal");
    }

    @Test
    void reclaimWaitsForIdleTimeout() throws Exception {
        StubPool pool = pool("100.64.0.0/29");
        for (int i = 1; i <= 6; i++) {
            pool.addressFor("app" + i + ".corp.internal");
        }
        clock.advance(IDLE.minusSeconds(1));
        pool.addressFor("app1.corp.internal");
        clock.advance(Duration.ofSeconds(1));

        assertThat(pool.addressFor("app7.corp.internal")).isEqualTo(ip("100.64.0.2"));
        assertThat(pool.addressFor("app8.corp.internal")).isEqualTo(ip("100.64.0.3"));
        assertThat(pool.addressFor("app2.corp.internal")).isEqualTo(ip("100.64.0.4"));
        assertThat(pool.addressFor("app9.corp.internal")).isEqualTo(ip("100.64.0.5"));
        assertThat(pool.addressFor("app10.corp.internal")).isEqualTo(ip("100.64.0.6"));
        assertThat(pool.addressFor("app11.corp.internal")).isNull();
    }

    @Test
    void restoreRejectsConflicts() throws Exception {
        StubPool pool = pool("100.64.0.0/29");
        Instant used = clock.instant();

        assertThat(pool.restore(new StubMapping("a.corp.internal", ip("100.64.0.2"), used)))
                .isTrue();
        assertThat(pool.restore(new StubMapping("a.corp.internal", ip("100.64.0.3"), used)))
                .isFalse();
        assertThat(pool.restore(new StubMapping("b.corp.internal", ip("100.64.0.2"), used)))
                .isFalse();
        assertThat(pool.restore(new StubMapping("c.corp.internal", ip("100.64.0.7"), used)))
                .isFalse();
        assertThat(pool.addressFor("d.corp.internal")).isEqualTo(ip("100.64.0.1"));
        assertThat(pool.addressFor("e.corp.internal")).isEqualTo(ip("100.64.0.3"));
    }
}
