package io.ztna.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.ztna.proto.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The publisher DNS answer cache: lifetime, TTL aging, cap. */
class AnswerCacheTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T10:00:00Z"));
    private final AnswerCache cache = new AnswerCache(clock, Duration.ofMinutes(5), 2);

    private static List<Long> ttls(byte[] message) {
        List<Long> ttls = new ArrayList<>();
        DnsPackets.visitRecords(message, (section, type, ttlOffset, dataOffset, length) ->
                ttls.add(DnsPackets.u32(message, ttlOffset)));
        return ttls;
    }

    private static byte[] answer(long ttl) {
        return DnsMessages.response(7, "wiki.pub.internal.", DnsRecordType.A,
                DnsResponseCode.NOERROR, ttl, "10.9.1.1", "10.9.1.2");
    }

    @Test
    void hitLowersTtls() {
        cache.put("wiki.pub.internal", 1, answer(60));
        clock.advance(Duration.ofMillis(20_500));

        assertThat(ttls(cache.get("wiki.pub.internal", 1))).containsExactly(40L, 40L);
        assertThat(cache.get("wiki.pub.internal", 28)).isNull();
    }

    @Test
    void entryExpiresAfterTtl() {
        cache.put("wiki.pub.internal", 1, answer(60));
        clock.advance(Duration.ofSeconds(60));

        assertThat(cache.get("wiki.pub.internal", 1)).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void lifetimeCappedAtMaximum() {
        cache.put("wiki.pub.internal", 1, answer(86_400));
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(cache.get("wiki.pub.internal", 1)).isNotNull();

        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get("wiki.pub.internal", 1)).isNull();
    }

    @Test
    void answersWithoutRecordsOrTtlSkipped() {
        cache.put("empty.pub.internal", 1, DnsMessages.response(7, "empty.pub.internal.",
                DnsRecordType.A, DnsResponseCode.NOERROR, 60));
        cache.put("zero.pub.internal", 1, answer(0));

        assertThat(cache.size()).isZero();
    }

    @Test
    void leastRecentlyUsedDropped() {
        cache.put("a.pub.internal", 1, answer(60));
        cache.put("b.pub.internal", 1, answer(60));
        cache.get("a.pub.internal", 1);
        cache.put("c.pub.internal", 1, answer(60));

        assertThat(cache.get("b.pub.internal", 1)).isNull();
        assertThat(cache.get("a.pub.internal", 1)).isNotNull();
        assertThat(cache.get("c.pub.internal", 1)).isNotNull();
    }
}
