package io.ztna.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ztna.agent.posture.AdminCheck;
import io.ztna.agent.posture.PostureSection;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.TlsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's config file, with real certificates; mostly its {@code posture} section. */
class ClientAgentConfigTest {

    @TempDir
    Path dir;
    private Path configFile;
    private String header;

    @BeforeEach
    void writeCertificates() {
        TlsConfig tls = TestPki.create(dir).user("alice@example.com", "laptop-1");
        configFile = dir.resolve("agent.yaml");
        // Seven lines, so that the posture section starts on line 8.
        header = "gateways: [127.0.0.1:8443]\n"
                + "tls:\n"
                + "  certificate: '" + tls.certificateChainFile() + "'\n"
                + "  privateKey: '" + tls.privateKeyFile() + "'\n"
                + "  ca: '" + tls.caFile() + "'\n"
                + "  trustDomain: " + TestPki.TRUST_DOMAIN + "\n"
                + "socks: 127.0.0.1:0\n";
    }

    private ClientAgentConfig load(String posture) throws IOException, ConfigException {
        Files.writeString(configFile, header + posture);
        return ClientAgentConfig.load(configFile);
    }

    private String errorOf(String posture) throws IOException {
        Files.writeString(configFile, header + posture);
        Throwable thrown = catchThrowable(() -> ClientAgentConfig.load(configFile));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return thrown.getMessage();
    }

    @Test
    void postureSectionParsed() throws Exception {
        ClientAgentConfig config = load("""
                posture:
                  checkInterval: 10s
                  reportInterval: 5m
                  checks:
                    - name: corp-ca-present
                      file: certs/corp-ca.pem
                    - name: edr-running
                      command: [pgrep, -x, edr-daemon]
                      timeout: 3s
                    - name: agent-config-present
                      file: /etc/ztna/agent.yaml
                    - name: disk-check
                      command: [/usr/local/bin/disk-check]
                """);

        PostureSection posture = config.posture();
        assertThat(posture.checkInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(posture.reportInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(posture.checks()).containsExactly(
                new AdminCheck("corp-ca-present", dir.resolve("certs/corp-ca.pem"), null, null),
                new AdminCheck("edr-running", null, List.of("pgrep", "-x", "edr-daemon"),
                        Duration.ofSeconds(3)),
                new AdminCheck("agent-config-present", Path.of("/etc/ztna/agent.yaml"), null,
                        null),
                new AdminCheck("disk-check", null, List.of("/usr/local/bin/disk-check"), null));
        assertThat(posture.checks().get(1).isCommand()).isTrue();
        assertThat(posture.checks().get(1).commandTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(posture.checks().get(3).commandTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void absentPostureSectionTakesDefaults() throws Exception {
        ClientAgentConfig config = load("");

        assertThat(config.posture()).isEqualTo(PostureSection.DEFAULTS);
        assertThat(config.posture().checkInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.posture().reportInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.posture().checks()).isEmpty();
    }

    @Test
    void emptyPostureSectionTakesDefaults() throws Exception {
        ClientAgentConfig config = load("posture: {}\n");

        assertThat(config.posture()).isEqualTo(PostureSection.DEFAULTS);
    }

    @Test
    void checkWithFileAndCommandRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checks:
                    - name: both
                      file: /etc/hosts
                      command: ['true']
                """);

        assertThat(message).isEqualTo(configFile + ":10:7: posture.checks[0]: check 'both' has "
                + "both file and command: expected exactly one of file: PATH or "
                + "command: [PROGRAM, ARGUMENT...]");
    }

    @Test
    void checkWithoutFileOrCommandRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checks:
                    - name: neither
                      timeout: 5s
                """);

        assertThat(message).isEqualTo(configFile + ":10:7: posture.checks[0]: check 'neither' "
                + "has neither file nor command: expected exactly one of file: PATH or "
                + "command: [PROGRAM, ARGUMENT...]");
    }

    @Test
    void emptyCheckNameRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checks:
                    - name: ""
                      file: /etc/hosts
                """);

        assertThat(message).isEqualTo(configFile + ":10:7: posture.checks[0].name: "
                + "invalid value '': expected a non-empty check name");
    }

    @Test
    void missingCheckNameRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checks:
                    - file: /etc/hosts
                """);

        assertThat(message).isEqualTo(configFile + ":10:7: posture.checks[0]: "
                + "missing required field 'name'");
    }

    @Test
    void duplicateCheckNameRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checks:
                    - name: corp-ca-present
                      file: /etc/hosts
                    - name: corp-ca-present
                      command: ['true']
                """);

        assertThat(message).isEqualTo(configFile + ":12:7: posture.checks[1].name: duplicate "
                + "check name 'corp-ca-present': expected a unique check name, first used at "
                + "posture.checks[0].name (line 10)");
    }

    @Test
    void zeroCheckIntervalRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checkInterval: 0s
                """);

        assertThat(message).isEqualTo(configFile + ":9:3: posture.checkInterval: "
                + "invalid value 0: expected a duration greater than zero, like 10s");
    }

    @Test
    void zeroReportIntervalRejected() throws Exception {
        String message = errorOf("""
                posture:
                  reportInterval: 0ms
                """);

        assertThat(message).isEqualTo(configFile + ":9:3: posture.reportInterval: "
                + "invalid value 0: expected a duration greater than zero, like 10s");
    }

    @Test
    void zeroCommandTimeoutRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checks:
                    - name: edr-running
                      command: [pgrep, -x, edr-daemon]
                      timeout: 0s
                """);

        assertThat(message).isEqualTo(configFile + ":12:7: posture.checks[0].timeout: "
                + "invalid value 0: expected a duration greater than zero, like 10s");
    }

    @Test
    void durationWithoutUnitRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checkInterval: 10
                """);

        assertThat(message).isEqualTo(configFile + ":9:3: posture.checkInterval: "
                + "invalid value '10': expected a duration like 500ms, 30s, 2m, 1h or 7d");
    }

    @Test
    void emptyCommandRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checks:
                    - name: edr-running
                      command: []
                """);

        assertThat(message).isEqualTo(configFile + ":11:7: posture.checks[0].command: "
                + "command is empty: expected a program and its arguments, such as "
                + "[pgrep, -x, edr-daemon]");
    }

    @Test
    void emptyProgramRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checks:
                    - name: edr-running
                      command: ["", -x]
                """);

        assertThat(message).isEqualTo(configFile + ":11:17: posture.checks[0].command[0]: "
                + "invalid value '': expected a program name or path");
    }

    @Test
    void timeoutOnFileCheckRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checks:
                    - name: corp-ca-present
                      file: /etc/hosts
                      timeout: 5s
                """);

        assertThat(message).isEqualTo(configFile + ":12:7: posture.checks[0].timeout: "
                + "timeout is set on file check 'corp-ca-present': expected timeout only on a "
                + "command check");
    }

    @Test
    void emptyFilePathRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checks:
                    - name: corp-ca-present
                      file: ""
                """);

        assertThat(message).isEqualTo(configFile + ":11:7: posture.checks[0].file: "
                + "invalid value '': expected a file path");
    }

    @Test
    void unknownCheckFieldRejected() throws Exception {
        String message = errorOf("""
                posture:
                  checks:
                    - name: corp-ca-present
                      path: /etc/hosts
                """);

        assertThat(message).isEqualTo(configFile + ":11:7: posture.checks[0].path: unknown "
                + "field 'path': expected one of command, file, name, timeout");
    }

    @Test
    void gatewayListAndReevaluationParsed() throws Exception {
        Files.writeString(configFile, header.replace("gateways: [127.0.0.1:8443]",
                "gateways: [127.0.0.1:8443, '[::1]:9443']") + "gatewayReevaluation: 30s\n");
        ClientAgentConfig config = ClientAgentConfig.load(configFile);

        assertThat(config.gateways()).containsExactly(
                new InetSocketAddress("127.0.0.1", 8443),
                new InetSocketAddress("::1", 9443));
        assertThat(config.gatewayReevaluation()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void gatewayReevaluationDefaultsToOneMinute() throws Exception {
        assertThat(load("").gatewayReevaluation()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void shortGatewayReevaluationRejected() throws Exception {
        String message = errorOf("gatewayReevaluation: 500ms\n");

        assertThat(message).isEqualTo(configFile + ":9:1: gatewayReevaluation: 500ms is too "
                + "short (expected: at least 1s, such as 60s)");
    }
}
