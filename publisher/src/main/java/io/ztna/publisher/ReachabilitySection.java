package io.ztna.publisher;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.HostAndPort;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code reachability} section: the apps whose reachability the publisher probes and
 * reports to its gateways, how often it probes them and how long each TCP connect may take.
 *
 * @param interval time between probe rounds, and between status messages to the gateways
 * @param timeout time each target has to be resolved and to accept a TCP connection
 * @param apps the probed apps, by the name the client gateway's policy gives them
 */
record ReachabilitySection(Duration interval, Duration timeout, List<AppTargets> apps) {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    static final ReachabilitySection DEFAULTS = new ReachabilitySection(null, null, null);

    @JsonCreator
    ReachabilitySection(@JsonProperty("interval") Duration interval,
            @JsonProperty("timeout") Duration timeout,
            @JsonProperty("apps") List<AppTargets> apps) {
        this.interval = interval == null ? DEFAULT_INTERVAL : interval;
        this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        this.apps = apps == null ? List.of() : List.copyOf(apps);
        if (this.interval.toMillis() < 100) {
            throw new IllegalArgumentException("interval: " + this.interval.toMillis()
                    + "ms is too short (expected: at least 100ms, such as 5s)");
        }
        if (this.timeout.toMillis() < 10 || this.timeout.compareTo(this.interval) > 0) {
            throw new IllegalArgumentException("timeout: " + this.timeout.toMillis()
                    + "ms (expected: at least 10ms and at most the interval of "
                    + this.interval.toMillis() + "ms, such as 2s)");
        }
        Set<String> names = new HashSet<>();
        for (AppTargets app : this.apps) {
            if (!names.add(app.name())) {
                throw new IllegalArgumentException("apps: name '" + app.name()
                        + "' appears twice (expected: each app once)");
            }
        }
    }

    /**
     * One probed app.
     *
     * @param name the app's name in the client gateway's policy
     * @param targets addresses probed with a TCP connect; the app is reachable when at least one
     *     accepts
     */
    record AppTargets(String name, List<HostAndPort> targets) {

        @JsonCreator
        AppTargets(@JsonProperty(value = "name", required = true) String name,
                @JsonProperty(value = "targets", required = true) List<HostAndPort> targets) {
            if (name.isBlank()) {
                throw new IllegalArgumentException(
                        "name: empty (expected: the app's name in the policy, such as intranet)");
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("targets: empty (expected: at least one "
                        + "host:port, such as intranet.corp.internal:443)");
            }
            this.name = name;
            this.targets = List.copyOf(targets);
        }
    }
}
