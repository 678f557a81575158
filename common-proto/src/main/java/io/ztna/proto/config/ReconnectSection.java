package io.ztna.proto.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.tunnel.Backoff;
import java.time.Duration;

/**
 * The {@code reconnect} section of a daemon that dials out: the first retry delay and the cap
 * of the jittered exponential backoff (defaults 200 ms and 15 s).
 */
public record ReconnectSection(Duration initialDelay, Duration maxDelay) {

    public static final ReconnectSection DEFAULTS =
            new ReconnectSection(Duration.ofMillis(200), Duration.ofSeconds(15));

    @JsonCreator
    public ReconnectSection(
            @JsonProperty("initialDelay") Duration initialDelay,
            @JsonProperty("maxDelay") Duration maxDelay) {
        this.initialDelay = initialDelay == null ? Duration.ofMillis(200) : initialDelay;
        this.maxDelay = maxDelay == null ? Duration.ofSeconds(15) : maxDelay;
        if (this.initialDelay.toMillis() <= 0 || this.maxDelay.compareTo(this.initialDelay) < 0) {
            throw new IllegalArgumentException("reconnect.initialDelay " + this.initialDelay
                    + " and reconnect.maxDelay " + this.maxDelay
                    + " (expected: 0 < initialDelay <= maxDelay)");
        }
    }

    public Backoff newBackoff() {
        return new Backoff(initialDelay.toMillis(), maxDelay.toMillis());
    }
}
