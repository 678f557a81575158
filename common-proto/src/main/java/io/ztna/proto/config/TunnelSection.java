package io.ztna.proto.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.mux.TunnelOptions;
import java.time.Duration;

/**
 * The {@code tunnel} section of a daemon config: keepalive, open and drain timeouts. Missing
 * fields take the defaults: ping every 10 s, dead after 30 s of silence, opens time out after
 * 15 s, and after GOAWAY open flows get 30 s to finish. Owners call {@link #validate}.
 */
public record TunnelSection(Duration pingInterval, Duration deadPeerTimeout, Duration openTimeout,
        Duration drainTimeout) implements Validatable {

    public static final TunnelSection DEFAULTS = new TunnelSection(Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(30));

    @JsonCreator
    public TunnelSection(
            @JsonProperty("pingInterval") Duration pingInterval,
            @JsonProperty("deadPeerTimeout") Duration deadPeerTimeout,
            @JsonProperty("openTimeout") Duration openTimeout,
            @JsonProperty("drainTimeout") Duration drainTimeout) {
        this.pingInterval = pingInterval == null ? Duration.ofSeconds(10) : pingInterval;
        this.deadPeerTimeout = deadPeerTimeout == null ? Duration.ofSeconds(30) : deadPeerTimeout;
        this.openTimeout = openTimeout == null ? Duration.ofSeconds(15) : openTimeout;
        this.drainTimeout = drainTimeout == null ? Duration.ofSeconds(30) : drainTimeout;
    }

    /**
     * Checks the ranges: ping interval, dead-peer timeout and open timeout more than zero, and
     * a dead-peer timeout of at least the ping interval. The checks run after binding, so that
     * an unknown field in the section is reported before them.
     */
    @Override
    public void validate(ValidationContext context) throws ConfigException {
        Durations.requirePositive(context, "pingInterval", pingInterval);
        Durations.requirePositive(context, "deadPeerTimeout", deadPeerTimeout);
        Durations.requirePositive(context, "openTimeout", openTimeout);
        if (deadPeerTimeout.compareTo(pingInterval) < 0) {
            context.fail("deadPeerTimeout", Durations.format(deadPeerTimeout),
                    "at least pingInterval (" + Durations.format(pingInterval) + ")");
        }
    }

    public TunnelOptions toOptions() {
        return TunnelOptions.defaults()
                .withKeepalive(pingInterval.toMillis(), deadPeerTimeout.toMillis())
                .withOpenTimeout(openTimeout.toMillis())
                .withDrainTimeout(drainTimeout.toMillis());
    }
}
