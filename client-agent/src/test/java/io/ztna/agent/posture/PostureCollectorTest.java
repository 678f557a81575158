package io.ztna.agent.posture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.posture.CheckState;
import io.ztna.proto.posture.DevicePosture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector against a temporary root directory with real files and real commands. */
class PostureCollectorTest {

    @TempDir
    Path root;

    private void write(String relativePath, String text) throws IOException {
        Path file = root.resolve(relativePath);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private DevicePosture collect(AdminCheck... checks) throws InterruptedException {
        return new PostureCollector(new PostureSources(root), List.of(checks)).collect();
    }

    private static AdminCheck command(String name, Duration timeout, String... argv) {
        return new AdminCheck(name, null, List.of(argv), timeout);
    }

    // Operating system, agent and host.

    @Test
    void osReleaseQuotedValuesParsed() throws Exception {
        write("etc/os-release", """
                PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
                NAME="Debian GNU/Linux"
                VERSION_ID="12"
                ID=debian
                """);

        DevicePosture posture = collect();

        assertThat(posture.osName()).isEqualTo("Debian GNU/Linux");
        assertThat(posture.osVersion()).isEqualTo("12");
    }

    @Test
    void osReleaseFallsBackToUsrLib() throws Exception {
        write("usr/lib/os-release", """
                # written by the distribution
                NAME='Fedora Linux'
                VERSION_ID=40
                """);

        DevicePosture posture = collect();

        assertThat(posture.osName()).isEqualTo("Fedora Linux");
        assertThat(posture.osVersion()).isEqualTo("40");
    }

    @Test
    void osReleaseEtcWinsOverUsrLib() throws Exception {
        write("etc/os-release", "NAME=Alpine\nVERSION_ID=3.20.1\n");
        write("usr/lib/os-release", "NAME=Other\nVERSION_ID=1\n");

        DevicePosture posture = collect();

        assertThat(posture.osName()).isEqualTo("Alpine");
        assertThat(posture.osVersion()).isEqualTo("3.20.1");
    }

    @Test
    void osReleaseEscapesInDoubleQuotes() {
        OsRelease release = OsRelease.parse(
                "NAME=\"My \\\"Lab\\\" OS \\\\ \\$x\"\nVERSION_ID=\"\"\n");

        assertThat(release.name()).isEqualTo("My \"Lab\" OS \\ $x");
        assertThat(release.version()).isEmpty();
    }

    @Test
    void osReleaseMissingGivesEmptyFields() throws Exception {
        DevicePosture posture = collect();

        assertThat(posture.osName()).isEmpty();
        assertThat(posture.osVersion()).isEmpty();
    }

    @Test
    void hostNameReadFromProc() throws Exception {
        write("proc/sys/kernel/hostname", "laptop-1\n");

        assertThat(collect().hostName()).isEqualTo("laptop-1");
    }

    @Test
    void agentVersionReported() throws Exception {
        assertThat(collect().agentVersion()).isEqualTo("0.1.0");
    }

    // Built-in checks.

    @Test
    void dmCryptDeviceGivesDiskEncryptionPass() throws Exception {
        write("sys/block/vda/size", "41943040\n");
        write("sys/block/dm-0/dm/uuid", "LVM-Jd3kQ0vG8xP2\n");
        write("sys/block/dm-1/dm/uuid", "CRYPT-LUKS2-3f1c2a9e8b7d4c6f-luks-3f1c2a9e\n");

        assertThat(collect().diskEncryption()).isEqualTo(CheckState.PASS);
    }

    @Test
    void noDmDeviceGivesDiskEncryptionFail() throws Exception {
        write("sys/block/vda/size", "41943040\n");

        assertThat(collect().diskEncryption()).isEqualTo(CheckState.FAIL);
    }

    @Test
    void dmWithoutCryptGivesDiskEncryptionFail() throws Exception {
        write("sys/block/dm-0/dm/uuid", "LVM-Jd3kQ0vG8xP2\n");

        assertThat(collect().diskEncryption()).isEqualTo(CheckState.FAIL);
    }

    @Test
    void unreadableSysBlockGivesDiskEncryptionUnknown() throws Exception {
        assertThat(collect().diskEncryption()).isEqualTo(CheckState.UNKNOWN);
    }

    @Test
    void unreadableDmUuidGivesDiskEncryptionUnknown() throws Exception {
        Files.createDirectories(root.resolve("sys/block/dm-0/dm"));

        assertThat(collect().diskEncryption()).isEqualTo(CheckState.UNKNOWN);
    }

    @Test
    void noFirewallToolGivesUnknown() throws Exception {
        assertThat(collect().firewall()).isEqualTo(CheckState.UNKNOWN);
    }

    @Test
    void screenLockAlwaysUnknown() throws Exception {
        assertThat(collect().screenLock()).isEqualTo(CheckState.UNKNOWN);
    }

    // Administrator-defined checks.

    @Test
    void fileCheckPassesWhenFilePresent() throws Exception {
        write("etc/ssl/certs/corp-ca.pem", "certificate\n");
        AdminCheck check = new AdminCheck("corp-ca-present",
                root.resolve("etc/ssl/certs/corp-ca.pem"), null, null);

        assertThat(collect(check).check("corp-ca-present")).isEqualTo(CheckState.PASS);
    }

    @Test
    void fileCheckFailsWhenFileAbsent() throws Exception {
        AdminCheck check = new AdminCheck("corp-ca-present",
                root.resolve("etc/ssl/certs/corp-ca.pem"), null, null);

        assertThat(collect(check).check("corp-ca-present")).isEqualTo(CheckState.FAIL);
    }

    @Test
    void commandExitZeroPasses() throws Exception {
        DevicePosture posture = collect(command("ok", Duration.ofSeconds(5), "true"));

        assertThat(posture.check("ok")).isEqualTo(CheckState.PASS);
    }

    @Test
    void commandExitNonZeroFails() throws Exception {
        DevicePosture posture = collect(command("not-ok", Duration.ofSeconds(5), "false"));

        assertThat(posture.check("not-ok")).isEqualTo(CheckState.FAIL);
    }

    @Test
    void commandNotFoundFails() throws Exception {
        DevicePosture posture = collect(command("missing", Duration.ofSeconds(5),
                root.resolve("no-such-program").toString()));

        assertThat(posture.check("missing")).isEqualTo(CheckState.FAIL);
    }

    @Test
    void commandTimeoutFailsQuickly() throws Exception {
        long start = System.nanoTime();

        DevicePosture posture = collect(command("slow", Duration.ofMillis(200), "sleep", "30"));

        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(posture.check("slow")).isEqualTo(CheckState.FAIL);
        assertThat(elapsedMillis).isLessThan(2_000);
    }

    @Test
    void commandTimeoutKillsDescendants() throws Exception {
        Path pidFile = root.resolve("child.pid");
        // The shell starts a child, records its pid and waits for it; the timeout must kill both.
        AdminCheck check = command("tree", Duration.ofSeconds(1), "sh", "-c",
                "sleep 30 & echo $! > '" + pidFile + "'; wait");

        DevicePosture posture = collect(check);

        assertThat(posture.check("tree")).isEqualTo(CheckState.FAIL);
        assertThat(pidFile).exists();
        long childPid = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ProcessStates.awaitDeadOrZombie(childPid, Duration.ofSeconds(5)))
                .as("state of child %d after the timeout", childPid)
                .isTrue();
    }

    @Test
    void checksReportedUnderTheirNames() throws Exception {
        write("flag", "");
        DevicePosture posture = collect(
                new AdminCheck("flag-present", root.resolve("flag"), null, null),
                command("ok", null, "true"));

        assertThat(posture.checks()).containsOnlyKeys("flag-present", "ok");
        assertThat(posture.check("flag-present")).isEqualTo(CheckState.PASS);
        assertThat(posture.check("ok")).isEqualTo(CheckState.PASS);
    }
}
