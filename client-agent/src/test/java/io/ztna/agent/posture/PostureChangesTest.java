package io.ztna.agent.posture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.posture.CheckState;
import io.ztna.proto.posture.DevicePosture;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostureChangesTest {

    private static final DevicePosture BASE = new DevicePosture("Debian GNU/Linux", "12", "0.1.0",
            "laptop-1", CheckState.PASS, CheckState.FAIL, CheckState.UNKNOWN,
            Map.of("edr-running", CheckState.PASS, "corp-ca-present", CheckState.FAIL));

    @Test
    void equalPosturesHaveNoChange() {
        DevicePosture same = new DevicePosture("Debian GNU/Linux", "12", "0.1.0", "laptop-1",
                CheckState.PASS, CheckState.FAIL, CheckState.UNKNOWN,
                Map.of("corp-ca-present", CheckState.FAIL, "edr-running", CheckState.PASS));

        assertThat(PostureChanges.between(BASE, same)).isEmpty();
    }

    @Test
    void changedFieldsNamedInOrder() {
        DevicePosture after = new DevicePosture("Debian GNU/Linux", "13", "0.1.0", "laptop-1",
                CheckState.PASS, CheckState.PASS, CheckState.UNKNOWN,
                Map.of("edr-running", CheckState.FAIL, "new-check", CheckState.PASS));

        assertThat(PostureChanges.between(BASE, after)).containsExactly("osVersion", "firewall",
                "checks.corp-ca-present", "checks.edr-running", "checks.new-check");
    }

    @Test
    void summaryListsCheckOutcomes() {
        assertThat(PostureChanges.summary(BASE)).isEqualTo("diskEncryption=pass firewall=fail "
                + "screenLock=unknown checks={corp-ca-present=fail, edr-running=pass}");
    }
}
