package io.ztna.agent.posture;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code posture} section of the agent's config. Missing fields take the defaults: collect
 * every 10 s, report at least every 5 min, no administrator-defined checks.
 *
 * @param checkInterval time between collections that look for a change, which is sent at once
 * @param reportInterval longest time between two reports on one tunnel when nothing changes.
 *     It is checked at each collection, so it is effectively rounded up to a multiple of
 *     {@code checkInterval}.
 * @param checks administrator-defined checks, with unique names
 */
public record PostureSection(Duration checkInterval, Duration reportInterval,
        List<AdminCheck> checks) implements Validatable {

    static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(10);
    static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofMinutes(5);
    static final String NOT_POSITIVE =
            "invalid value 0: expected a duration greater than zero, like 10s";

    public static final PostureSection DEFAULTS =
            new PostureSection(DEFAULT_CHECK_INTERVAL, DEFAULT_REPORT_INTERVAL, List.of());

    @JsonCreator
    public PostureSection(@JsonProperty("checkInterval") Duration checkInterval,
            @JsonProperty("reportInterval") Duration reportInterval,
            @JsonProperty("checks") List<AdminCheck> checks) {
        this.checkInterval = checkInterval == null ? DEFAULT_CHECK_INTERVAL : checkInterval;
        this.reportInterval = reportInterval == null ? DEFAULT_REPORT_INTERVAL : reportInterval;
        this.checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /** Returns this section with relative check files resolved against {@code baseDir}. */
    public PostureSection resolve(Path baseDir) {
        return new PostureSection(checkInterval, reportInterval,
                checks.stream().map(check -> check.resolve(baseDir)).toList());
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        if (!isPositive(checkInterval)) {
            context.fail("checkInterval", NOT_POSITIVE);
        }
        if (!isPositive(reportInterval)) {
            context.fail("reportInterval", NOT_POSITIVE);
        }
        Map<String, String> firstNamePaths = new HashMap<>();
        for (int i = 0; i < checks.size(); i++) {
            checks.get(i).validate(context.at("checks", i));
            String namePath = "checks[" + i + "].name";
            String first = firstNamePaths.putIfAbsent(checks.get(i).name(), namePath);
            if (first != null) {
                context.fail(namePath, "duplicate check name '" + checks.get(i).name()
                        + "': expected a unique check name, first used at "
                        + context.path(first) + " (line " + context.line(first) + ")");
            }
        }
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isZero() && !duration.isNegative();
    }
}
