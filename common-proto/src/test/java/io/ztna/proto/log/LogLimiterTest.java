package io.ztna.proto.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ztna.proto.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogLimiterTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void allowsLinesUpToLimitThenSuppresses() {
        LogLimiter limiter = new LogLimiter(3, Duration.ofSeconds(60), clock);

        assertThat(limiter.acquire("handshake 10.0.0.1")).isZero();
        assertThat(limiter.acquire("handshake 10.0.0.1")).isZero();
        assertThat(limiter.acquire("handshake 10.0.0.1")).isZero();
        assertThat(limiter.acquire("handshake 10.0.0.1")).isEqualTo(LogLimiter.SUPPRESSED);
        assertThat(limiter.acquire("handshake 10.0.0.1")).isEqualTo(LogLimiter.SUPPRESSED);
    }

    @Test
    void nextWindowReportsSuppressedCount() {
        LogLimiter limiter = new LogLimiter(2, Duration.ofSeconds(60), clock);
        limiter.acquire("key");
        limiter.acquire("key");
        for (int i = 0; i < 7; i++) {
            assertThat(limiter.acquire("key")).isEqualTo(LogLimiter.SUPPRESSED);
        }

        clock.advance(Duration.ofSeconds(59));
        assertThat(limiter.acquire("key")).isEqualTo(LogLimiter.SUPPRESSED);

        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.acquire("key")).isEqualTo(8);
        assertThat(limiter.acquire("key")).isZero();
        assertThat(limiter.acquire("key")).isEqualTo(LogLimiter.SUPPRESSED);
    }

    @Test
    void keysAreLimitedSeparately() {
        LogLimiter limiter = new LogLimiter(1, Duration.ofSeconds(10), clock);

        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(LogLimiter.SUPPRESSED);
        assertThat(limiter.acquire("b")).isZero();
        assertThat(limiter.acquire("b")).isEqualTo(LogLimiter.SUPPRESSED);

        clock.advance(Duration.ofSeconds(10));
        assertThat(limiter.acquire("a")).isEqualTo(1);
        assertThat(limiter.acquire("b")).isEqualTo(1);
    }

    @Test
    void fullTableStartsOver() {
        LogLimiter limiter = new LogLimiter(1, Duration.ofSeconds(10), clock);
        for (int i = 0; i < LogLimiter.MAX_KEYS; i++) {
            limiter.acquire("key " + i);
        }
        assertThat(limiter.acquire("key 0")).isEqualTo(LogLimiter.SUPPRESSED);

        assertThat(limiter.acquire("one key too many")).isZero();
        assertThat(limiter.acquire("key 0")).isZero();
    }

    @Test
    void invalidSettingsRejected() {
        assertThatThrownBy(() -> new LogLimiter(0, Duration.ofSeconds(1), clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("linesPerInterval: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new LogLimiter(1, Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval: PT0S (expected: > 0)");
    }
}
