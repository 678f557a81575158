package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import io.ztna.proto.posture.CheckState;
import io.ztna.proto.posture.DevicePosture;
import java.util.ArrayList;
import java.util.List;

/**
 * Device posture conditions of a rule; the rule applies only while all of them hold.
 * <pre>
 * posture:
 *   diskEncryption: true          # the device reports disk encryption as pass
 *   firewall: true
 *   screenLock: true              # Linux agents report unknown, which does not hold
 *   checks: [edr-running]         # administrator-defined checks that must pass
 *   os: [Debian GNU/Linux]        # accepted OS names, compared ignoring case
 *   minAgentVersion: 0.1.0        # dotted numeric version
 * </pre>
 * A check that the device reports as unknown does not hold.
 */
public record PostureRequirement(boolean diskEncryption, boolean firewall, boolean screenLock,
        List<String> checks, List<String> os, String minAgentVersion) implements Validatable {

    @JsonCreator
    public PostureRequirement(@JsonProperty("diskEncryption") boolean diskEncryption,
            @JsonProperty("firewall") boolean firewall,
            @JsonProperty("screenLock") boolean screenLock,
            @JsonProperty("checks") List<String> checks,
            @JsonProperty("os") List<String> os,
            @JsonProperty("minAgentVersion") String minAgentVersion) {
        this.diskEncryption = diskEncryption;
        this.firewall = firewall;
        this.screenLock = screenLock;
        this.checks = checks == null ? List.of() : List.copyOf(checks);
        this.os = os == null ? List.of() : List.copyOf(os);
        this.minAgentVersion = minAgentVersion;
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        for (int i = 0; i < checks.size(); i++) {
            if (checks.get(i).isBlank()) {
                context.fail("checks[" + i + "]", checks.get(i), "the name of a posture check");
            }
        }
        for (int i = 0; i < os.size(); i++) {
            if (os.get(i).isBlank()) {
                context.fail("os[" + i + "]", os.get(i), "an OS name such as Debian GNU/Linux");
            }
        }
        if (minAgentVersion != null && parseVersion(minAgentVersion) == null) {
            context.fail("minAgentVersion", minAgentVersion,
                    "a dotted numeric version such as 0.1.0");
        }
    }

    /**
     * Returns each condition the device does not meet, as {@code condition (device reports
     * value)}, in the order written above; empty when the posture satisfies the rule.
     */
    public List<String> unmet(DevicePosture posture) {
        List<String> unmet = new ArrayList<>();
        requireCheck(unmet, diskEncryption, "diskEncryption", posture.diskEncryption());
        requireCheck(unmet, firewall, "firewall", posture.firewall());
        requireCheck(unmet, screenLock, "screenLock", posture.screenLock());
        for (String check : checks) {
            requireCheck(unmet, true, "check " + check, posture.check(check));
        }
        if (!os.isEmpty() && os.stream().noneMatch(name -> name.equalsIgnoreCase(
                posture.osName()))) {
            unmet.add("os in " + os + " (device reports '" + posture.osName() + "')");
        }
        if (minAgentVersion != null && compareVersions(posture.agentVersion(),
                minAgentVersion) < 0) {
            unmet.add("minAgentVersion " + minAgentVersion + " (device reports '"
                    + posture.agentVersion() + "')");
        }
        return unmet;
    }

    private static void requireCheck(List<String> unmet, boolean required, String name,
            CheckState state) {
        if (required && state != CheckState.PASS) {
            unmet.add(name + " (device reports " + state.text() + ")");
        }
    }

    /** Compares dotted numeric versions; a version that does not parse sorts lowest. */
    static int compareVersions(String left, String right) {
        int[] a = parseVersion(left);
        int[] b = parseVersion(right);
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int x = i < a.length ? a[i] : 0;
            int y = i < b.length ? b[i] : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static int[] parseVersion(String text) {
        if (text == null || !text.matches("[0-9]{1,9}(\\.[0-9]{1,9}){0,5}")) {
            return null;
        }
        String[] parts = text.split("\\.");
        int[] version = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            version[i] = Integer.parseInt(parts[i]);
        }
        return version;
    }
}
