package io.ztna.proto.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.mux.TunnelOptions;
import java.time.Duration;

/**
 * The {@code tunnel} section of a daemon config: keepalive, open and drain timeouts. Missing
 * fields take the defaults: ping every 10 s, dead after 30 s of silence, opens time out after
 * 15 s, and after GOAWAY open flows get 30 s to finish.
 */
public record TunnelSection(Duration pingInterval, Duration deadPeerTimeout, Duration openTimeout,
        Duration drainTimeout) {

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
        if (this.drainTimeout.isNegative()) {
            throw new IllegalArgumentException("tunnel.drainTimeout " + this.drainTimeout
                    + " (expected: 0 or more)");
        }
        if (this.pingInterval.isNegative() || this.pingInterval.isZero()
                || this.deadPeerTimeout.compareTo(this.pingInterval) < 0) {
            throw new IllegalArgumentException("tunnel.pingInterval " + this.pingInterval
                    + " and tunnel.deadPeerTimeout " + this.deadPeerTimeout
                    + " (expected: 0 < pingInterval <= deadPeerTimeout)");
        }
    }

    public TunnelOptions toOptions() {
        return TunnelOptions.defaults()
                .withKeepalive(pingInterval.toMillis(), deadPeerTimeout.toMillis())
                .withOpenTimeout(openTimeout.toMillis())
                .withDrainTimeout(drainTimeout.toMillis());
    }
}
