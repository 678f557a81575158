package io.ztna.clientgateway.policy;

import static io.ztna.clientgateway.policy.PolicySamples.VERSION;
import static io.ztna.clientgateway.policy.PolicySamples.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.clientgateway.policy.PolicySamples.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyExplainCommandTest {

    private static final String POSTURE_NOT_GIVEN =
            "posture: not given, so every posture condition counts as met";
    private static final String NOT_STEERED = "steering entry: none, so the agent does not "
            + "tunnel this destination (it connects it directly or rejects it, as its "
            + "'uncovered' setting says)";

    @TempDir
    Path dir;

    private Path policy;

    @BeforeEach
    void writePolicy() throws Exception {
        policy = PolicySamples.writePolicy(dir, "policy.yaml", PolicySamples.PASSING_TESTS);
    }

    private Run explain(String... flow) {
        String[] args = new String[flow.length + 4];
        args[0] = "policy";
        args[1] = "explain";
        args[2] = "--policy";
        args[3] = policy.toString();
        System.arraycopy(flow, 0, args, 4, flow.length);
        return run(args);
    }

    private Path writePosture(String firewall) throws Exception {
        return PolicySamples.write(dir, "posture.yaml", """
                osName: Debian GNU/Linux
                osVersion: "12"
                agentVersion: 0.1.0
                hostName: laptop-2
                diskEncryption: pass
                firewall: %s
                checks: {edr-running: pass}
                """.formatted(firewall));
    }

    @Test
    void blockedFlowWithNotify() {
        Run result = explain("--user", "alice@example.com", "--host", "ssh.corp.internal",
                "--port", "22");

        assertThat(result.outLines()).containsExactly(
                "flow: alice@example.com tcp ssh.corp.internal:22",
                "decision: DENY, blocked by rule no-ssh",
                "notify: yes, rule no-ssh requests a notice to the user",
                "app: ssh, hosts [ssh.corp.internal, 10.20.0.0/16], protocols [tcp:22], "
                        + "publishers [pub-1, pub-2]",
                "user: alice@example.com, groups [engineering], ou /corp/eng/platform",
                POSTURE_NOT_GIVEN,
                "rules that list app ssh:",
                "  applied      engineering-apps (allow): matches group engineering",
                "  applied      no-ssh (block): matches everyone",
                "steering policy: version " + VERSION,
                "steering entry: blocked by rule no-ssh with notify, app ssh, "
                        + "hosts [ssh.corp.internal, 10.20.0.0/16], protocols [tcp:22]");
        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isEqualTo(1);
    }

    @Test
    void postureFileDeniesWithCondition() throws Exception {
        Path config = PolicySamples.write(dir, "client-gateway.yaml", """
                listen: 127.0.0.1:8443
                publisherGateways: [127.0.0.1:7443]
                policy: policy.yaml
                tls:
                  certificate: certs/missing.pem
                  privateKey: certs/missing-key.pem
                  ca: certs/ca.pem
                  trustDomain: ztna.lab
                """);
        Path posture = writePosture("fail");

        Run result = run("policy", "explain", "--config", config.toString(),
                "--user", "bob@example.com", "--host", "intranet.corp.internal",
                "--port", "18080", "--posture", posture.toString());

        assertThat(result.outLines()).containsExactly(
                "flow: bob@example.com tcp intranet.corp.internal:18080",
                "decision: DENY, device posture does not meet rule contractors-intranet: "
                        + "requires firewall (device reports fail)",
                "app: intranet, hosts [intranet.corp.internal], protocols [tcp:18080], "
                        + "publishers [pub-1]",
                "user: bob@example.com, groups [contractors], ou /corp/sales",
                "posture: from " + posture + ": diskEncryption pass, firewall fail, "
                        + "screenLock unknown, check edr-running pass, "
                        + "os 'Debian GNU/Linux' '12', agentVersion '0.1.0'",
                "rules that list app intranet:",
                "  not applied  contractors-intranet (allow): matches group contractors but "
                        + "posture does not meet firewall (device reports fail)",
                "  not applied  engineering-apps (allow): not a subject: the rule applies to "
                        + "groups [engineering]",
                "steering policy: version " + VERSION,
                "steering entry: steered into the tunnel as app intranet, "
                        + "hosts [intranet.corp.internal], protocols [tcp:18080]");
        assertThat(result.exitCode()).isEqualTo(1);
    }

    @Test
    void postureFileAllowsWithCondition() throws Exception {
        Path posture = writePosture("PASS");

        Run result = explain("--user", "bob@example.com", "--host", "intranet.corp.internal",
                "--port", "18080", "--posture", posture.toString());

        assertThat(result.outLines()).contains(
                "decision: ALLOW, allowed by rule contractors-intranet",
                "  applied      contractors-intranet (allow): matches group contractors, "
                        + "posture conditions met");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void withoutPostureConditionsCountAsMet() {
        Run result = explain("--user", "bob@example.com", "--host", "intranet.corp.internal",
                "--port", "18080");

        assertThat(result.outLines()).contains(
                "decision: ALLOW, allowed by rule contractors-intranet",
                POSTURE_NOT_GIVEN);
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void unknownUserAndUnsteeredDestination() {
        Run result = explain("--user", "mallory@example.com", "--host", "wiki.corp.internal",
                "--port", "18081");

        assertThat(result.outLines()).containsExactly(
                "flow: mallory@example.com tcp wiki.corp.internal:18081",
                "decision: DENY, no rule allows user mallory@example.com to reach app corp-web",
                "app: corp-web, hosts [*.corp.internal], protocols [tcp:18080-18089], "
                        + "publishers [pub-1]",
                "user: mallory@example.com, not in the directory, so only rules for everyone "
                        + "apply",
                POSTURE_NOT_GIVEN,
                "rules that list app corp-web:",
                "  not applied  eng-web (allow): not a subject: the rule applies to ous "
                        + "[/corp/eng]",
                "steering policy: version " + VERSION,
                NOT_STEERED);
        assertThat(result.exitCode()).isEqualTo(1);
    }

    @Test
    void destinationWithoutApp() {
        Run result = explain("--user", "alice@example.com", "--host", "example.com",
                "--port", "443");

        assertThat(result.outLines()).containsExactly(
                "flow: alice@example.com tcp example.com:443",
                "decision: DENY, no app covers tcp example.com:443",
                "app: none covers the destination",
                "user: alice@example.com, groups [engineering], ou /corp/eng/platform",
                POSTURE_NOT_GIVEN,
                "rules: none, because no app covers the destination",
                "steering policy: version " + VERSION,
                NOT_STEERED);
        assertThat(result.exitCode()).isEqualTo(1);
    }

    @Test
    void udpFlowToAddressAllowed() {
        Run result = explain("--user", "alice@example.com", "--host", "10.20.0.53",
                "--protocol", "UDP", "--port", "53");

        assertThat(result.outLines()).contains(
                "flow: alice@example.com udp 10.20.0.53:53",
                "decision: ALLOW, allowed by rule everyone-dns",
                "steering entry: steered into the tunnel as app dns, hosts [10.20.0.53], "
                        + "protocols [udp:53]");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void jsonReport() {
        Run result = explain("--user", "alice@example.com", "--host", "ssh.corp.internal",
                "--port", "22", "--json");

        assertThat(result.out()).isEqualTo("{\"flow\":{\"user\":\"alice@example.com\","
                + "\"protocol\":\"tcp\",\"host\":\"ssh.corp.internal\",\"port\":22},"
                + "\"decision\":\"DENY\",\"reason\":\"blocked by rule no-ssh\","
                + "\"rule\":\"no-ssh\",\"notify\":true,"
                + "\"app\":{\"name\":\"ssh\",\"hosts\":[\"ssh.corp.internal\","
                + "\"10.20.0.0/16\"],\"protocols\":[\"tcp:22\"],"
                + "\"publishers\":[\"pub-1\",\"pub-2\"]},"
                + "\"user\":{\"id\":\"alice@example.com\",\"inDirectory\":true,"
                + "\"groups\":[\"engineering\"],\"ou\":\"/corp/eng/platform\"},"
                + "\"posture\":{\"considered\":false,\"file\":null,\"state\":null},"
                + "\"rules\":[{\"rule\":\"engineering-apps\",\"action\":\"allow\","
                + "\"applied\":true,\"why\":\"matches group engineering\"},"
                + "{\"rule\":\"no-ssh\",\"action\":\"block\",\"applied\":true,"
                + "\"why\":\"matches everyone\"}],"
                + "\"steering\":{\"version\":" + VERSION + ",\"coverage\":\"blocked\","
                + "\"entry\":{\"name\":\"ssh\",\"hosts\":[\"ssh.corp.internal\","
                + "\"10.20.0.0/16\"],\"protocols\":[\"tcp:22\"],\"publisherDns\":false,"
                + "\"rule\":\"no-ssh\",\"notify\":true}}}" + System.lineSeparator());
        assertThat(result.exitCode()).isEqualTo(1);
    }

    @Test
    void jsonPostureState() throws Exception {
        Path posture = writePosture("fail");

        Run result = explain("--user", "bob@example.com", "--host", "intranet.corp.internal",
                "--port", "18080", "--posture", posture.toString(), "--json");

        assertThat(result.out()).contains("\"posture\":{\"considered\":true,\"file\":\""
                + posture + "\",\"state\":{\"osName\":\"Debian GNU/Linux\","
                + "\"osVersion\":\"12\",\"agentVersion\":\"0.1.0\",\"hostName\":\"laptop-2\","
                + "\"diskEncryption\":\"pass\",\"firewall\":\"fail\","
                + "\"screenLock\":\"unknown\",\"checks\":{\"edr-running\":\"pass\"}}}");
        assertThat(result.out()).contains("\"coverage\":\"steer\"");
    }

    @Test
    void invalidPostureFileExitsTwo() throws Exception {
        Path posture = writePosture("passed");

        Run result = explain("--user", "bob@example.com", "--host", "intranet.corp.internal",
                "--port", "18080", "--posture", posture.toString());

        assertThat(result.out()).isEmpty();
        assertThat(result.errLines()).containsExactly("client-gateway policy explain: "
                + posture + ":6:1: firewall: invalid value 'passed': expected pass, fail or "
                + "unknown");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void invalidCheckStateNamesCheck() throws Exception {
        Path posture = PolicySamples.write(dir, "posture.yaml", """
                firewall: pass
                checks:
                  edr-running: yes please
                """);

        Run result = explain("--user", "bob@example.com", "--host", "intranet.corp.internal",
                "--port", "18080", "--posture", posture.toString());

        assertThat(result.errLines()).containsExactly("client-gateway policy explain: "
                + posture + ":3:3: checks.edr-running: invalid value 'yes please': expected "
                + "pass, fail or unknown");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void invalidPolicyExitsTwo() throws Exception {
        PolicySamples.write(dir, "directory.yaml", """
                users:
                  - id: alice@example.com
                    groups: [engineering, ""]
                """);

        Run result = explain("--user", "alice@example.com", "--host", "ssh.corp.internal",
                "--port", "22");

        assertThat(result.errLines()).containsExactly("client-gateway policy explain: "
                + dir.resolve("directory.yaml") + ":3:27: users[0].groups[1]: invalid value "
                + "'': expected a non-empty group name");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void invalidConfigExitsTwo() throws Exception {
        Path config = PolicySamples.write(dir, "client-gateway.yaml", """
                listen: 127.0.0.1:8443
                publisherGateways: [127.0.0.1:7443]
                """);

        Run result = run("policy", "explain", "--config", config.toString(),
                "--user", "alice@example.com", "--host", "ssh.corp.internal", "--port", "22");

        assertThat(result.errLines()).containsExactly("client-gateway policy explain: "
                + config + ":3:1: missing required field 'policy'");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void invalidPortExitsTwo() {
        Run result = explain("--user", "alice@example.com", "--host", "ssh.corp.internal",
                "--port", "0");

        assertThat(result.errLines()).first()
                .isEqualTo("invalid value '0' for option '--port': expected a port from 1 to "
                        + "65535");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void wildcardHostExitsTwo() {
        Run result = explain("--user", "alice@example.com", "--host", "*.corp.internal",
                "--port", "22");

        assertThat(result.errLines()).first()
                .isEqualTo("invalid value '*.corp.internal' for option '--host': expected a "
                        + "host name or an IP address");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void unknownProtocolExitsTwo() {
        Run result = explain("--user", "alice@example.com", "--host", "ssh.corp.internal",
                "--port", "22", "--protocol", "sctp");

        assertThat(result.errLines()).first()
                .isEqualTo("invalid value 'sctp' for option '--protocol': expected tcp or udp");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void configAndPolicyTogetherExitTwo() {
        Run result = explain("--config", policy.toString(), "--user", "alice@example.com",
                "--host", "ssh.corp.internal", "--port", "22");

        assertThat(result.errLines()).first().isEqualTo("Error: --config=FILE, --policy=FILE "
                + "are mutually exclusive (specify only one)");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void helpListsExitCodes() {
        Run result = run("policy", "explain", "--help");

        assertThat(result.outLines()).contains("Exit codes:", "  0   policy allows the flow",
                "  1   policy denies the flow");
        assertThat(result.exitCode()).isZero();
    }
}
