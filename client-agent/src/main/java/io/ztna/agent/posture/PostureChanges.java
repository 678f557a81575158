package io.ztna.agent.posture;

import io.ztna.proto.posture.CheckState;
import io.ztna.proto.posture.DevicePosture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeSet;

/** Compares and summarises postures for log lines, naming fields and check outcomes only. */
final class PostureChanges {

    private PostureChanges() {
    }

    /**
     * Returns the names of the fields that differ, in declaration order, with
     * administrator-defined checks as {@code checks.NAME}; empty when the postures are equal.
     */
    static List<String> between(DevicePosture before, DevicePosture after) {
        List<String> changed = new ArrayList<>();
        addIfChanged(changed, "osName", before.osName(), after.osName());
        addIfChanged(changed, "osVersion", before.osVersion(), after.osVersion());
        addIfChanged(changed, "agentVersion", before.agentVersion(), after.agentVersion());
        addIfChanged(changed, "hostName", before.hostName(), after.hostName());
        addIfChanged(changed, "diskEncryption", before.diskEncryption(), after.diskEncryption());
        addIfChanged(changed, "firewall", before.firewall(), after.firewall());
        addIfChanged(changed, "screenLock", before.screenLock(), after.screenLock());
        TreeSet<String> names = new TreeSet<>(before.checks().keySet());
        names.addAll(after.checks().keySet());
        for (String name : names) {
            addIfChanged(changed, "checks." + name, before.checks().get(name),
                    after.checks().get(name));
        }
        return changed;
    }

    /** Returns the check outcomes, such as {@code diskEncryption=pass firewall=fail ...}. */
    static String summary(DevicePosture posture) {
        StringJoiner checks = new StringJoiner(", ", "{", "}");
        for (Map.Entry<String, CheckState> check : posture.checks().entrySet()) {
            checks.add(check.getKey() + "=" + check.getValue().text());
        }
        return "diskEncryption=" + posture.diskEncryption().text()
                + " firewall=" + posture.firewall().text()
                + " screenLock=" + posture.screenLock().text()
                + " checks=" + checks;
    }

    private static void addIfChanged(List<String> changed, String field, Object before,
            Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(field);
        }
    }
}
