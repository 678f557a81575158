package io.ztna.clientgateway.policy;

import io.ztna.clientgateway.ClientGatewayCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine;

/** Sample policy, directory and posture files, and an in-process runner of the command. */
final class PolicySamples {

    /** Modification time of every sample file, so that the steering policy version is fixed. */
    static final Instant MODIFIED = Instant.parse("2026-01-01T00:00:00Z");
    static final long VERSION = MODIFIED.toEpochMilli();

    static final String DIRECTORY = """
            users:
              - id: alice@example.com
                groups: [engineering]
                ou: /corp/eng/platform
              - id: bob@example.com
                groups: [contractors]
                ou: /corp/sales
            """;

    /** Apps and rules; lines 1 to 41 of every sample policy. */
    static final String APPS_AND_RULES = """
            directory: directory.yaml
            apps:
              - name: intranet
                hosts: [intranet.corp.internal]
                protocols: [tcp:18080]
                publishers: [pub-1]
              - name: corp-web
                hosts: ["*.corp.internal"]
                protocols: [tcp:18080-18089]
                publishers: [pub-1]
              - name: ssh
                hosts: [ssh.corp.internal, 10.20.0.0/16]
                protocols: [tcp:22]
                publishers: [pub-1, pub-2]
              - name: dns
                hosts: [10.20.0.53]
                protocols: [udp:53]
                publishers: [pub-1]
            rules:
              - name: engineering-apps
                action: allow
                groups: [engineering]
                apps: [intranet, ssh]
              - name: eng-web
                action: allow
                ous: [/corp/eng]
                apps: [corp-web]
              - name: contractors-intranet
                action: allow
                groups: [contractors]
                apps: [intranet]
                posture: {firewall: true}
              - name: no-ssh
                action: block
                everyone: true
                apps: [ssh]
                notify: true
              - name: everyone-dns
                action: allow
                everyone: true
                apps: [dns]
            """;

    static final String PASSING_TESTS = """
            tests:
              - user: alice@example.com
                host: intranet.corp.internal
                port: 18080
                expect: allow
              - user: alice@example.com
                host: ssh.corp.internal
                port: 22
                expect: block
              - user: bob@example.com
                host: intranet.corp.internal
                port: 18080
                expect: block
                posture: {firewall: fail}
              - user: bob@example.com
                host: "fd00::1"
                protocol: udp
                port: 53
                expect: block
            """;

    static final String FAILING_TESTS = """
            tests:
              - user: alice@example.com
                host: wiki.corp.internal
                port: 18081
                expect: allow
              - user: alice@example.com
                host: 10.20.3.4
                port: 22
                expect: allow
              - user: bob@example.com
                host: intranet.corp.internal
                port: 18080
                expect: block
            """;

    private PolicySamples() {
    }

    /** Writes a sample file into {@code dir} with the fixed modification time. */
    static Path write(Path dir, String name, String text) throws IOException {
        Path file = Files.writeString(dir.resolve(name), text);
        Files.setLastModifiedTime(file, FileTime.from(MODIFIED));
        return file;
    }

    /** Writes the directory file and a policy with the given test cases. */
    static Path writePolicy(Path dir, String name, String tests) throws IOException {
        write(dir, "directory.yaml", DIRECTORY);
        return write(dir, name, APPS_AND_RULES + tests);
    }

    /** Output of one run of {@code client-gateway}. */
    record Run(int exitCode, String out, String err) {

        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** Runs {@code client-gateway ARGS} in this JVM and captures its output. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new ClientGatewayCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
