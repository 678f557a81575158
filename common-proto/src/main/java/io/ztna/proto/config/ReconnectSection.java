package io.ztna.proto.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.tunnel.Backoff;
import java.time.Duration;

/**
 * The {@code reconnect} section of a daemon that dials out: the first retry delay and the cap
 * of the jittered exponential backoff (defaults 200 ms and 15 s). Owners call
 * {@link #validate}.
 */
public record ReconnectSection(Duration initialDelay, Duration maxDelay)
        implements Validatable {

    public static final ReconnectSection DEFAULTS =
            new ReconnectSection(Duration.ofMillis(200), Duration.ofSeconds(15));

    @JsonCreator
    public ReconnectSection(
            @JsonProperty("initialDelay") Duration initialDelay,
            @JsonProperty("maxDelay") Duration maxDelay) {
        this.initialDelay = initialDelay == null ? Duration.ofMillis(200) : initialDelay;
        this.maxDelay = maxDelay == null ? Duration.ofSeconds(15) : maxDelay;
    }

    /**
     * Checks that the first delay is more than zero and at most the cap. The checks run after
     * binding, so that an unknown field in the section is reported before them.
     */
    @Override
    public void validate(ValidationContext context) throws ConfigException {
        Durations.requirePositive(context, "initialDelay", initialDelay);
        if (maxDelay.compareTo(initialDelay) < 0) {
            context.fail("maxDelay", Durations.format(maxDelay),
                    "at least initialDelay (" + Durations.format(initialDelay) + ")");
        }
    }

    public Backoff newBackoff() {
        return new Backoff(initialDelay.toMillis(), maxDelay.toMillis());
    }
}
