package io.ztna.proto.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ztna.proto.config.ConfigException;
import io.ztna.proto.frame.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadedPolicyTest {

    private static final String APPS = """
            apps:
              - name: intranet
                hosts: [intranet.corp.internal]
                protocols: [tcp:18080]
              - name: corp-web
                hosts: ["*.corp.internal"]
                protocols: [tcp:18080-18089]
            """;

    private static final String DIRECTORY = """
            users:
              - id: alice@example.com
                groups: [engineering]
                ou: /corp/eng/platform
              - id: bob@example.com
                groups: [contractors]
                ou: /corp/sales
            """;

    @TempDir
    Path dir;

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static String errorOf(Path policy) {
        Throwable thrown = catchThrowable(() -> LoadedPolicy.load(policy));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return thrown.getMessage();
    }

    @Test
    void directoryIsRelativeToPolicyFile() throws Exception {
        Path directory = write("conf/people/directory.yaml", DIRECTORY);
        Path policy = write("conf/policy.yaml", "directory: people/directory.yaml\n" + APPS + """
                rules:
                  - name: eng-web
                    action: allow
                    ous: [/corp/eng]
                    apps: [corp-web]
                """);
        Path relative = Path.of("").toAbsolutePath().relativize(policy);

        LoadedPolicy loaded = LoadedPolicy.load(relative);
        PolicyEngine engine = loaded.toEngine(5);
        App corpWeb = engine.catalog().match("wiki.corp.internal", Protocol.TCP, 18081)
                .orElseThrow();

        assertThat(loaded.directoryFile()).isEqualTo(directory);
        assertThat(loaded.files()).containsExactly(relative, directory);
        assertThat(loaded.users()).extracting(User::id)
                .containsExactly("alice@example.com", "bob@example.com");
        assertThat(loaded.warnings()).isEmpty();
        assertThat(engine.principal("alice@example.com", Set.of()).ou())
                .isEqualTo("/corp/eng/platform");
        assertThat(engine.evaluate("alice@example.com", corpWeb).reason())
                .isEqualTo("allowed by rule eng-web");
        assertThat(engine.evaluate("bob@example.com", corpWeb).reason())
                .isEqualTo("no rule allows user bob@example.com to reach app corp-web");
    }

    @Test
    void directoryInSiblingFolder() throws Exception {
        Path directory = write("shared/directory.yaml", DIRECTORY);
        Path policy = write("conf/policy.yaml",
                "directory: ../shared/directory.yaml\n" + APPS);

        LoadedPolicy loaded = LoadedPolicy.load(policy);

        assertThat(loaded.directoryFile()).isEqualTo(directory);
        assertThat(loaded.toEngine(1).knows("bob@example.com")).isTrue();
    }

    @Test
    void inlineUsersComeBeforeDirectoryUsers() throws Exception {
        write("directory.yaml", DIRECTORY);
        Path policy = write("policy.yaml", "directory: directory.yaml\n" + APPS + """
                users:
                  - id: carol@example.com
                    groups: [sales]
                """);

        LoadedPolicy loaded = LoadedPolicy.load(policy);

        assertThat(loaded.users()).extracting(User::id).containsExactly(
                "carol@example.com", "alice@example.com", "bob@example.com");
    }

    @Test
    void withoutDirectoryOnlyInlineUsers() throws Exception {
        Path policy = write("policy.yaml", APPS + """
                users:
                  - id: carol@example.com
                """);

        LoadedPolicy loaded = LoadedPolicy.load(policy);

        assertThat(loaded.directoryFile()).isNull();
        assertThat(loaded.files()).containsExactly(policy);
        assertThat(loaded.users()).extracting(User::id).containsExactly("carol@example.com");
    }

    @Test
    void userInBothFilesIsAnError() throws Exception {
        Path directory = write("directory.yaml", DIRECTORY);
        Path policy = write("policy.yaml", "directory: directory.yaml\n" + APPS + """
                users:
                  - id: carol@example.com
                  - id: bob@example.com
                """);

        String message = errorOf(policy);

        assertThat(message).isEqualTo(directory + ": users[1].id: user 'bob@example.com' is "
                + "also listed in " + policy + " at users[1].id: expected each user in one file");
    }

    @Test
    void invalidDirectoryFileNamesLineAndField() throws Exception {
        Path directory = write("directory.yaml", """
                users:
                  - id: alice@example.com
                    groups: [engineering]
                  - id: bob@example.com
                    ou: corp/sales
                """);
        Path policy = write("policy.yaml", "directory: directory.yaml\n" + APPS);

        String message = errorOf(policy);

        assertThat(message).isEqualTo(directory + ":5:5: users[1].ou: invalid value "
                + "'corp/sales': expected an organisational unit path such as /corp/eng");
    }

    @Test
    void duplicateUserInDirectoryFile() throws Exception {
        Path directory = write("directory.yaml", DIRECTORY + """
                  - id: alice@example.com
                """);
        Path policy = write("policy.yaml", "directory: directory.yaml\n" + APPS);

        String message = errorOf(policy);

        assertThat(message).isEqualTo(directory + ":8:5: users[2].id: duplicate user id "
                + "'alice@example.com': expected a unique user id, first used at users[0].id "
                + "(line 2)");
    }

    @Test
    void unknownFieldInDirectoryFile() throws Exception {
        Path directory = write("directory.yaml", """
                users:
                  - id: alice@example.com
                    group: [engineering]
                """);
        Path policy = write("policy.yaml", "directory: directory.yaml\n" + APPS);

        String message = errorOf(policy);

        assertThat(message).isEqualTo(directory + ":3:5: users[0].group: unknown field "
                + "'group': expected one of groups, id, ou");
    }

    @Test
    void missingDirectoryFile() throws Exception {
        Path policy = write("policy.yaml", "directory: missing.yaml\n" + APPS);

        String message = errorOf(policy);

        assertThat(message).isEqualTo(dir.resolve("missing.yaml") + ": file not found");
    }

    @Test
    void blankDirectoryPath() throws Exception {
        Path policy = write("policy.yaml", "directory: ' '\n" + APPS);

        String message = errorOf(policy);

        assertThat(message).isEqualTo(policy + ":1:1: directory: invalid value ' ': "
                + "expected the path of a directory file");
    }

    @Test
    void invalidTestPostureNamesLine() throws Exception {
        Path policy = write("policy.yaml", APPS + """
                tests:
                  - user: alice@example.com
                    host: intranet.corp.internal
                    port: 18080
                    expect: allow
                    posture:
                      firewall: passs
                """);

        String message = errorOf(policy);

        assertThat(message).isEqualTo(policy + ":14:7: tests[0].posture.firewall: invalid "
                + "value 'passs': expected pass, fail or unknown");
    }

    @Test
    void testPostureDecidesCase() throws Exception {
        Path policy = write("policy.yaml", APPS + """
                users:
                  - id: alice@example.com
                rules:
                  - name: managed-web
                    action: allow
                    users: [alice@example.com]
                    apps: [corp-web]
                    posture: {diskEncryption: true, checks: [edr-running]}
                tests:
                  - user: alice@example.com
                    host: wiki.corp.internal
                    port: 18081
                    expect: block
                    posture: {diskEncryption: PASS, checks: {edr-running: unknown}}
                  - user: alice@example.com
                    host: wiki.corp.internal
                    port: 18081
                    expect: allow
                """);
        LoadedPolicy loaded = LoadedPolicy.load(policy);
        PolicyEngine engine = loaded.toEngine(1);
        List<PolicyTestCase> tests = loaded.policy().tests();

        Decision withPosture = tests.get(0).decide(engine);
        Decision withoutPosture = tests.get(1).decide(engine);

        assertThat(withPosture.reason()).isEqualTo("device posture does not meet rule "
                + "managed-web: requires check edr-running (device reports unknown)");
        assertThat(tests.get(0).passes(withPosture)).isTrue();
        assertThat(withoutPosture.reason()).isEqualTo("allowed by rule managed-web");
        assertThat(tests.get(1).passes(withoutPosture)).isTrue();
    }

    @Test
    void warningsUseBothFiles() throws Exception {
        write("directory.yaml", DIRECTORY);
        Path policy = write("policy.yaml", "directory: directory.yaml\n" + APPS + """
                users:
                  - id: carol@example.com
                    groups: [sales]
                rules:
                  - name: web
                    action: allow
                    users: [alice@example.com, carol@example.com, dan@example.com]
                    groups: [contractors, sales, engineers]
                    apps: [corp-web]
                  - name: everyone-intranet
                    action: allow
                    everyone: true
                    apps: [intranet]
                """);

        LoadedPolicy loaded = LoadedPolicy.load(policy);

        assertThat(loaded.warnings()).isEqualTo(List.of(
                policy + ": rule 'web' names user 'dan@example.com', whom the directory does "
                        + "not list",
                policy + ": rule 'web' names group 'engineers', which no user in the "
                        + "directory has (groups: contractors, engineering, sales)"));
    }
}
