package io.ztna.proto.posture;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an agent reports about its device after the TLS handshake, periodically and when it
 * changes. The built-in checks are those a Linux host can answer; {@code checks} holds the
 * outcome of each administrator-defined check by its name. The gateway only trusts this as far
 * as it trusts the agent's device key, which signs fresh posture at each re-authentication.
 *
 * @param osName operating system name, such as {@code Debian GNU/Linux}
 * @param osVersion operating system version, such as {@code 12}
 * @param agentVersion version of the reporting agent, such as {@code 0.1.0}
 * @param hostName the device's host name
 * @param diskEncryption whether a block device is encrypted (dm-crypt, LUKS)
 * @param firewall whether a packet filter ruleset with at least one rule is loaded
 * @param screenLock whether a screen lock is enforced; UNKNOWN where it cannot be checked
 * @param checks administrator-defined checks by name, sorted by name
 */
public record DevicePosture(String osName, String osVersion, String agentVersion,
        String hostName, CheckState diskEncryption, CheckState firewall, CheckState screenLock,
        Map<String, CheckState> checks) {

    /** Posture of a device that has reported nothing yet: every check UNKNOWN. */
    public static final DevicePosture NONE = new DevicePosture("", "", "", "",
            CheckState.UNKNOWN, CheckState.UNKNOWN, CheckState.UNKNOWN, Map.of());

    @JsonCreator
    public DevicePosture(@JsonProperty("osName") String osName,
            @JsonProperty("osVersion") String osVersion,
            @JsonProperty("agentVersion") String agentVersion,
            @JsonProperty("hostName") String hostName,
            @JsonProperty("diskEncryption") CheckState diskEncryption,
            @JsonProperty("firewall") CheckState firewall,
            @JsonProperty("screenLock") CheckState screenLock,
            @JsonProperty("checks") Map<String, CheckState> checks) {
        this.osName = Objects.requireNonNullElse(osName, "");
        this.osVersion = Objects.requireNonNullElse(osVersion, "");
        this.agentVersion = Objects.requireNonNullElse(agentVersion, "");
        this.hostName = Objects.requireNonNullElse(hostName, "");
        this.diskEncryption = Objects.requireNonNullElse(diskEncryption, CheckState.UNKNOWN);
        this.firewall = Objects.requireNonNullElse(firewall, CheckState.UNKNOWN);
        this.screenLock = Objects.requireNonNullElse(screenLock, CheckState.UNKNOWN);
        this.checks = checks == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new TreeMap<>(checks));
    }

    /** Returns the outcome of the administrator-defined check {@code name}, UNKNOWN if absent. */
    public CheckState check(String name) {
        return checks.getOrDefault(name, CheckState.UNKNOWN);
    }
}
