package io.ztna.clientgateway.policy;

import static io.ztna.clientgateway.policy.PolicySamples.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.clientgateway.policy.PolicySamples.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCheckCommandTest {

    @TempDir
    Path dir;

    @Test
    void passingFileExitsZero() throws Exception {
        Path policy = PolicySamples.writePolicy(dir, "policy.yaml", PolicySamples.PASSING_TESTS);

        Run result = run("policy", "check", policy.toString());

        assertThat(result.outLines()).containsExactly(
                "ok   alice@example.com tcp intranet.corp.internal:18080 -> allow "
                        + "(allowed by rule engineering-apps)",
                "ok   alice@example.com tcp ssh.corp.internal:22 -> block "
                        + "(blocked by rule no-ssh)",
                "ok   bob@example.com tcp intranet.corp.internal:18080 -> block (device "
                        + "posture does not meet rule contractors-intranet: requires firewall "
                        + "(device reports fail))",
                "ok   bob@example.com udp [fd00::1]:53 -> block "
                        + "(no app covers udp [fd00::1]:53)",
                policy + ": valid, 4 apps, 5 rules, 2 users, 4 test cases: 4 passed, 0 failed");
        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void failingCaseExitsOne() throws Exception {
        Path policy = PolicySamples.writePolicy(dir, "policy.yaml", PolicySamples.FAILING_TESTS);

        Run result = run("policy", "check", policy.toString());

        assertThat(result.outLines()).containsExactly(
                "ok   alice@example.com tcp wiki.corp.internal:18081 -> allow "
                        + "(allowed by rule eng-web)",
                "FAIL alice@example.com tcp 10.20.3.4:22 -> expected allow, got block "
                        + "(blocked by rule no-ssh)",
                "FAIL bob@example.com tcp intranet.corp.internal:18080 -> expected block, "
                        + "got allow (allowed by rule contractors-intranet)",
                policy + ": valid, 4 apps, 5 rules, 2 users, 3 test cases: 1 passed, 2 failed");
        assertThat(result.exitCode()).isEqualTo(1);
    }

    @Test
    void invalidFileExitsTwo() throws Exception {
        Path policy = PolicySamples.write(dir, "policy.yaml", """
                apps:
                  - name: intranet
                    hosts: [intranet.corp.internal]
                    protocols: [tcp:443, tcp:0]
                """);

        Run result = run("policy", "check", policy.toString());

        assertThat(result.outLines()).containsExactly("error: " + policy + ":4:26: "
                + "apps[0].protocols[1]: invalid value 'tcp:0': expected tcp:N, tcp:N-M, "
                + "udp:N or udp:N-M with 1 <= N <= M <= 65535");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void invalidDirectoryOfPolicyExitsTwo() throws Exception {
        Path policy = PolicySamples.write(dir, "policy.yaml", PolicySamples.APPS_AND_RULES);
        Path directory = PolicySamples.write(dir, "directory.yaml", """
                users:
                  - id: alice@example.com
                    ou: corp
                """);

        Run result = run("policy", "check", policy.toString());

        assertThat(result.outLines()).containsExactly("error: " + directory + ":3:5: "
                + "users[0].ou: invalid value 'corp': expected an organisational unit path "
                + "such as /corp/eng");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void directoryFileAloneIsValidated() throws Exception {
        Path directory = PolicySamples.write(dir, "directory.yaml", PolicySamples.DIRECTORY);
        Path invalid = PolicySamples.write(dir, "people.yaml", """
                users:
                  - id: alice@example.com
                  - id: alice@example.com
                """);

        Run valid = run("policy", "check", directory.toString());
        Run duplicate = run("policy", "check", invalid.toString());

        assertThat(valid.outLines()).containsExactly(directory + ": valid directory file, "
                + "2 users");
        assertThat(valid.exitCode()).isZero();
        assertThat(duplicate.outLines()).containsExactly("error: " + invalid + ":3:5: "
                + "users[1].id: duplicate user id 'alice@example.com': expected a unique user "
                + "id, first used at users[0].id (line 2)");
        assertThat(duplicate.exitCode()).isEqualTo(2);
    }

    @Test
    void warningsArePrinted() throws Exception {
        PolicySamples.write(dir, "directory.yaml", PolicySamples.DIRECTORY);
        Path policy = PolicySamples.write(dir, "policy.yaml", PolicySamples.APPS_AND_RULES + """
                  - name: sales-web
                    action: allow
                    groups: [sales]
                    users: [carol@example.com]
                    apps: [corp-web]
                """);

        Run result = run("policy", "check", policy.toString());

        assertThat(result.outLines()).containsExactly(
                "warning: " + policy + ": rule 'sales-web' names user 'carol@example.com', "
                        + "whom the directory does not list",
                "warning: " + policy + ": rule 'sales-web' names group 'sales', which no user "
                        + "in the directory has (groups: contractors, engineering)",
                policy + ": valid, 4 apps, 6 rules, 2 users, 0 test cases: 0 passed, 0 failed");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void everyFileIsCheckedWorstExitWins() throws Exception {
        Path passing = PolicySamples.writePolicy(dir, "passing.yaml",
                PolicySamples.PASSING_TESTS);
        Path failing = PolicySamples.writePolicy(dir, "failing.yaml",
                PolicySamples.FAILING_TESTS);
        Path missing = dir.resolve("missing.yaml");

        Run result = run("policy", "check", missing.toString(), failing.toString(),
                passing.toString());

        assertThat(result.outLines()).first().isEqualTo("error: " + missing
                + ": file not found");
        assertThat(result.outLines()).contains(failing + ": valid, 4 apps, 5 rules, 2 users, "
                + "3 test cases: 1 passed, 2 failed");
        assertThat(result.outLines()).last().isEqualTo(passing + ": valid, 4 apps, 5 rules, "
                + "2 users, 4 test cases: 4 passed, 0 failed");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void failureBeatsPass() throws Exception {
        Path passing = PolicySamples.writePolicy(dir, "passing.yaml",
                PolicySamples.PASSING_TESTS);
        Path failing = PolicySamples.writePolicy(dir, "failing.yaml",
                PolicySamples.FAILING_TESTS);

        Run result = run("policy", "check", failing.toString(), passing.toString());

        assertThat(result.exitCode()).isEqualTo(1);
    }

    @Test
    void missingFileArgumentIsUsageError() {
        Run result = run("policy", "check");

        assertThat(result.errLines()).first().isEqualTo("Missing required parameter: 'FILE'");
        assertThat(result.exitCode()).isEqualTo(2);
    }
}
