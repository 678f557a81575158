package io.ztna.proto.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ztna.proto.config.ConfigException;
import io.ztna.proto.frame.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFileTest {

    private static final String APPS = """
            apps:
              - name: intranet
                hosts: [intranet.corp.internal]
                protocols: [tcp:18080]
                publishers: [pub-1]
              - name: lab-hosts
                hosts: [host.lab.internal, "*.lab.internal", 10.20.0.0/16]
                protocols: [tcp:18000-18999]
                publishers: [pub-1]
                publisherDns: false
            users:
              - id: alice@example.com
                groups: [engineering]
            """;

    @TempDir
    Path dir;

    private Path file;

    private Path write(String yaml) throws IOException {
        file = Files.writeString(dir.resolve("policy.yaml"), yaml);
        return file;
    }

    private String errorOf(String yaml) throws IOException {
        Path path = write(yaml);
        Throwable thrown = catchThrowable(() -> PolicyFile.load(path));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return thrown.getMessage();
    }

    @Test
    void validFileBuildsEngine() throws Exception {
        PolicyFile policy = PolicyFile.load(write(APPS + """
                rules:
                  - name: engineering-apps
                    action: allow
                    groups: [engineering]
                    apps: [intranet, lab-hosts]
                  - name: no-lab
                    action: BLOCK
                    users: [alice@example.com]
                    apps: [lab-hosts]
                  - name: everyone-wiki
                    action: allow
                    everyone: true
                    apps: [intranet]
                """));
        PolicyEngine engine = policy.toEngine(3);
        App lab = engine.catalog().byName("lab-hosts").orElseThrow();

        assertThat(policy.apps()).extracting(App::name).containsExactly("intranet", "lab-hosts");
        assertThat(lab.publishers()).containsExactly("pub-1");
        assertThat(lab.publisherDns()).isFalse();
        assertThat(engine.catalog().match("x.lab.internal", Protocol.TCP, 18500)).contains(lab);
        assertThat(engine.evaluate("alice@example.com", lab).rule()).isEqualTo("no-lab");
        assertThat(engine.evaluate("alice@example.com", lab).allowed()).isFalse();
        assertThat(engine.evaluate("carol@example.com", policy.apps().get(0)).rule())
                .isEqualTo("everyone-wiki");
    }

    @Test
    void unknownAppInRule() throws Exception {
        String message = errorOf(APPS + """
                rules:
                  - name: engineering-apps
                    action: allow
                    groups: [engineering]
                    apps: [intranet, lab-hosts]
                  - name: no-ssh
                    action: block
                    users: [alice@example.com]
                    apps: [ssh]
                """);

        assertThat(message).isEqualTo(file + ":22:12: rules[1].apps[0]: unknown app 'ssh': "
                + "expected one of intranet, lab-hosts");
    }

    @Test
    void duplicateAppName() throws Exception {
        String message = errorOf("""
                apps:
                  - name: intranet
                    hosts: [intranet.corp.internal]
                    protocols: [tcp:18080]
                  - name: intranet
                    hosts: [other.corp.internal]
                    protocols: [tcp:443]
                """);

        assertThat(message).isEqualTo(file + ":5:5: apps[1].name: duplicate app name "
                + "'intranet': expected a unique app name, first used at apps[0].name (line 2)");
    }

    @Test
    void unknownGroupInRuleIsAWarning() throws Exception {
        write(APPS + """
                rules:
                  - name: eng
                    action: allow
                    groups: [enginering]
                    apps: [intranet]
                """);

        LoadedPolicy loaded = LoadedPolicy.load(file);

        assertThat(loaded.warnings()).containsExactly(file + ": rule 'eng' names group "
                + "'enginering', which no user in the directory has (groups: engineering)");
    }

    @Test
    void unknownUserInRuleIsAWarning() throws Exception {
        write(APPS + """
                rules:
                  - name: eng
                    action: allow
                    users: [alice@example.com, bob@example.com]
                    apps: [intranet]
                """);

        LoadedPolicy loaded = LoadedPolicy.load(file);

        assertThat(loaded.warnings()).containsExactly(file + ": rule 'eng' names user "
                + "'bob@example.com', whom the directory does not list");
    }

    @Test
    void ruleForNobody() throws Exception {
        String message = errorOf(APPS + """
                rules:
                  - name: eng
                    action: allow
                    apps: [intranet]
                """);

        assertThat(message).isEqualTo(file + ":15:5: rules[0]: rule 'eng' applies to nobody: "
                + "expected users, groups, ous or everyone: true");
    }

    @Test
    void invalidAction() throws Exception {
        String message = errorOf(APPS + """
                rules:
                  - name: eng
                    action: permit
                    everyone: true
                    apps: [intranet]
                """);

        assertThat(message).isEqualTo(file + ":16:5: rules[0].action: invalid value 'permit': "
                + "expected one of allow, block");
    }

    @Test
    void duplicateRuleName() throws Exception {
        String message = errorOf(APPS + """
                rules:
                  - name: eng
                    action: allow
                    everyone: true
                    apps: [intranet]
                  - name: eng
                    action: block
                    everyone: true
                    apps: [lab-hosts]
                """);

        assertThat(message).isEqualTo(file + ":19:5: rules[1].name: duplicate rule name 'eng': "
                + "expected a unique rule name, first used at rules[0].name (line 15)");
    }

    @Test
    void duplicateUserId() throws Exception {
        String message = errorOf(APPS + """
                  - id: alice@example.com
                """);

        assertThat(message).isEqualTo(file + ":14:5: users[1].id: duplicate user id "
                + "'alice@example.com': expected a unique user id, first used at users[0].id "
                + "(line 12)");
    }

    @Test
    void invalidPortRange() throws Exception {
        String message = errorOf("""
                apps:
                  - name: intranet
                    hosts: [intranet.corp.internal]
                    protocols: [tcp:443, tcp:0]
                """);

        assertThat(message).isEqualTo(file + ":4:26: apps[0].protocols[1]: invalid value "
                + "'tcp:0': expected tcp:N, tcp:N-M, udp:N or udp:N-M with 1 <= N <= M <= 65535");
    }

    @Test
    void invalidHostPattern() throws Exception {
        String message = errorOf("""
                apps:
                  - name: intranet
                    hosts:
                      - intranet.corp.internal
                      - 10.0.0.0/40
                    protocols: [tcp:443]
                """);

        assertThat(message).isEqualTo(file + ":5:9: apps[0].hosts[1]: invalid value "
                + "'10.0.0.0/40': expected a host name, *.domain, an IPv4 or IPv6 address, "
                + "or a CIDR block like 10.20.0.0/16");
    }

    @Test
    void emptyHosts() throws Exception {
        String message = errorOf("""
                apps:
                  - name: intranet
                    hosts: []
                    protocols: [tcp:443]
                """);

        assertThat(message).isEqualTo(file + ":3:5: apps[0].hosts: hosts is empty: expected at "
                + "least one host name, wildcard, address or CIDR block");
    }

    @Test
    void emptyProtocols() throws Exception {
        String message = errorOf("""
                apps:
                  - name: intranet
                    hosts: [intranet.corp.internal]
                    protocols: []
                """);

        assertThat(message).isEqualTo(file + ":4:5: apps[0].protocols: protocols is empty: "
                + "expected at least one entry like tcp:443");
    }

    @Test
    void missingHosts() throws Exception {
        String message = errorOf("""
                apps:
                  - name: intranet
                    protocols: [tcp:443]
                """);

        assertThat(message).isEqualTo(file + ":2:5: apps[0]: missing required field 'hosts'");
    }

    @Test
    void unknownAppField() throws Exception {
        String message = errorOf("""
                apps:
                  - name: intranet
                    hosts: [intranet.corp.internal]
                    protocols: [tcp:443]
                    publisherDNS: true
                """);

        assertThat(message).isEqualTo(file + ":5:5: apps[0].publisherDNS: unknown field "
                + "'publisherDNS': expected one of hosts, name, protocols, publisherDns, "
                + "publishers");
    }
}
