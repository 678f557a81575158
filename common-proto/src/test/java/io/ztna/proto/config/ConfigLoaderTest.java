package io.ztna.proto.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ztna.proto.policy.PolicyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static final String APP = "apps:\n"
            + "  - name: intranet\n"
            + "    hosts: [intranet.corp.internal]\n"
            + "    protocols: [tcp:443]\n";

    @Test
    void validPolicyLoads() throws Exception {
        PolicyFile policy = PolicyFile.load(write(APP + "rules:\n"
                + "  - name: all\n    action: allow\n    everyone: true\n    apps: [intranet]\n"));

        assertThat(policy.apps()).hasSize(1);
        assertThat(policy.rules().get(0).everyone()).isTrue();
    }

    @Test
    void badProtocolNamesLineAndField() throws Exception {
        Path file = write("apps:\n"
                + "  - name: intranet\n"
                + "    hosts: [intranet.corp.internal]\n"
                + "    protocols: [tcp:0]\n");

        assertThatThrownBy(() -> PolicyFile.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":4:17: apps[0].protocols[0]: invalid protocol 'tcp:0' "
                        + "(expected: tcp:N, tcp:N-M, udp:N or udp:N-M with 1 <= N <= M <= 65535)");
    }

    @Test
    void unknownFieldNamed() throws Exception {
        Path file = write(APP + "    colour: blue\n");

        assertThatThrownBy(() -> PolicyFile.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":5:5: apps[0].colour: unknown field 'colour' (expected one "
                        + "of: hosts, name, protocols, publisherDns, publishers)");
    }

    @Test
    void missingRequiredFieldNamed() throws Exception {
        Path file = write("apps:\n  - name: intranet\n    protocols: [tcp:443]\n");

        assertThatThrownBy(() -> PolicyFile.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":")
                .hasMessageContaining("Missing required creator property 'hosts'");
    }

    @Test
    void ruleWithUnknownAppRejected() throws Exception {
        Path file = write(APP + "rules:\n"
                + "  - name: r1\n    action: allow\n    everyone: true\n    apps: [wiki]\n");

        assertThatThrownBy(() -> PolicyFile.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("rule r1 names unknown app 'wiki' (expected: one of "
                        + "[intranet])");
    }

    @Test
    void durationsParsed() {
        assertThat(ConfigLoader.parseDuration("500ms").toMillis()).isEqualTo(500);
        assertThat(ConfigLoader.parseDuration("3s").toMillis()).isEqualTo(3_000);
        assertThat(ConfigLoader.parseDuration("2m").toSeconds()).isEqualTo(120);
        assertThatThrownBy(() -> ConfigLoader.parseDuration("3 sec"))
                .hasMessage("invalid duration '3 sec' (expected: a number and a unit ms, s, m, "
                        + "h or d, for example 30s)");
    }

    @Test
    void hostAndPortParsed() {
        assertThat(HostAndPort.parse("[::1]:8443")).isEqualTo(new HostAndPort("::1", 8443));
        assertThat(HostAndPort.parse("127.0.0.1:1080").port()).isEqualTo(1080);
        assertThatThrownBy(() -> HostAndPort.parse("127.0.0.1:70000"))
                .hasMessage("invalid port in '127.0.0.1:70000' (expected: 0 to 65535)");
        assertThatThrownBy(() -> HostAndPort.parse("::1:80"))
                .hasMessageStartingWith("invalid address '::1:80'");
    }
}
