package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.clientgateway.ClientGatewayCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The policy the lab writes passes {@code client-gateway policy check} with its test cases. */
class LabPolicyTest {

    @TempDir
    Path dir;

    @Test
    void labPolicyPassesCheck() throws Exception {
        LabPorts ports = new LabPorts(1080, 8443, 7443, 9101, 18080, 18007);
        new LabState(dir, ports, List.of(), true).write();
        Path policy = dir.resolve("policy.yaml");
        StringWriter out = new StringWriter();
        CommandLine commandLine = new CommandLine(new ClientGatewayCommand());
        commandLine.setOut(new PrintWriter(out, true));

        int exitCode = commandLine.execute("policy", "check", policy.toString(),
                dir.resolve("directory.yaml").toString());

        assertThat(out.toString().lines()).containsExactly(
                "ok   alice@example.com tcp intranet.corp.internal:18080 -> allow "
                        + "(allowed by rule engineering-apps)",
                "ok   alice@example.com tcp wiki.corp.internal:18081 -> allow "
                        + "(allowed by rule eng-web)",
                "ok   alice@example.com tcp host.lab.internal:18500 -> allow "
                        + "(allowed by rule engineering-apps)",
                "ok   alice@example.com tcp ssh.corp.internal:22 -> block "
                        + "(blocked by rule no-ssh)",
                "ok   bob@example.com tcp intranet.corp.internal:18080 -> allow "
                        + "(allowed by rule contractors-intranet)",
                "ok   bob@example.com tcp intranet.corp.internal:18080 -> block (device "
                        + "posture does not meet rule contractors-intranet: requires firewall "
                        + "(device reports fail))",
                "ok   bob@example.com tcp wiki.corp.internal:18081 -> block "
                        + "(no rule allows user bob@example.com to reach app corp-web)",
                "ok   mallory@example.com tcp intranet.corp.internal:18080 -> block "
                        + "(no rule allows user mallory@example.com to reach app intranet)",
                policy + ": valid, 4 apps, 4 rules, 2 users, 8 test cases: 8 passed, "
                        + "0 failed",
                dir.resolve("directory.yaml") + ": valid directory file, 2 users");
        assertThat(exitCode).isZero();
    }
}
