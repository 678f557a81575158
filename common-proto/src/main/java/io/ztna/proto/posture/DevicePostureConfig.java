package io.ztna.proto.posture;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.ConfigLoader;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A device posture written in a config file: a policy test case's {@code posture}, or the
 * file that {@code client-gateway policy explain --posture} reads.
 * <pre>
 * osName: Debian GNU/Linux
 * osVersion: "12"
 * agentVersion: 0.1.0
 * hostName: laptop-1
 * diskEncryption: pass              # pass, fail or unknown; unknown when left out
 * firewall: fail
 * screenLock: unknown
 * checks: {edr-running: pass}
 * </pre>
 * Unlike the posture an agent reports, where anything else reads as unknown, a check state
 * other than pass, fail or unknown is invalid here, so that a typing mistake is reported.
 */
public record DevicePostureConfig(String osName, String osVersion, String agentVersion,
        String hostName, String diskEncryption, String firewall, String screenLock,
        Map<String, String> checks) implements Validatable {

    private static final Set<String> STATES = Set.of("pass", "fail", "unknown");
    private static final String EXPECTED_STATE = "pass, fail or unknown";

    @JsonCreator
    public DevicePostureConfig(@JsonProperty("osName") String osName,
            @JsonProperty("osVersion") String osVersion,
            @JsonProperty("agentVersion") String agentVersion,
            @JsonProperty("hostName") String hostName,
            @JsonProperty("diskEncryption") String diskEncryption,
            @JsonProperty("firewall") String firewall,
            @JsonProperty("screenLock") String screenLock,
            @JsonProperty("checks") Map<String, String> checks) {
        this.osName = osName;
        this.osVersion = osVersion;
        this.agentVersion = agentVersion;
        this.hostName = hostName;
        this.diskEncryption = diskEncryption;
        this.firewall = firewall;
        this.screenLock = screenLock;
        this.checks = checks == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    /**
     * Reads and validates a posture file and returns its posture.
     *
     * @throws ConfigException naming the file, line, field and what is expected
     */
    public static DevicePosture load(Path file) throws ConfigException {
        return ConfigLoader.load(file, DevicePostureConfig.class).toDevicePosture();
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        checkState(context, "diskEncryption", diskEncryption);
        checkState(context, "firewall", firewall);
        checkState(context, "screenLock", screenLock);
        for (Map.Entry<String, String> check : checks.entrySet()) {
            if (check.getKey().isBlank()) {
                context.fail("checks", check.getKey(), "the name of a posture check");
            }
            checkState(context.at("checks"), check.getKey(), check.getValue());
        }
    }

    private static void checkState(ValidationContext context, String field, String state)
            throws ConfigException {
        if (state != null && !STATES.contains(state.toLowerCase(Locale.ROOT))) {
            context.fail(field, state, EXPECTED_STATE);
        }
    }

    /** Returns the posture, with UNKNOWN for each state left out. */
    public DevicePosture toDevicePosture() {
        Map<String, CheckState> states = new LinkedHashMap<>();
        checks.forEach((name, state) -> states.put(name, CheckState.parse(state)));
        return new DevicePosture(osName, osVersion, agentVersion, hostName,
                CheckState.parse(diskEncryption), CheckState.parse(firewall),
                CheckState.parse(screenLock), states);
    }
}
