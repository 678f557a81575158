package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.ConfigLoader;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client gateway's policy file: apps, rules, re-authentication schedules, test cases, and
 * users, inline or from a directory file.
 * <pre>
 * directory: directory.yaml        # optional, relative to this file; see Directory
 * apps:
 *   - name: lab-hosts
 *     hosts: [host.lab.internal, "*.lab.internal", 10.20.0.0/16]
 *     protocols: [tcp:18000-18999, udp:53]
 *     publishers: [pub-1]
 *     publisherDns: false          # optional, default false
 * users:                           # optional, in addition to the directory file's
 *   - id: alice@example.com
 *     groups: [engineering]
 *     ou: /corp/eng
 * rules:                           # optional; without rules every flow is denied
 *   - name: engineering-apps
 *     action: allow                # allow or block
 *     groups: [engineering]        # and/or users: [...], ous: [...], or everyone: true
 *     apps: [lab-hosts]
 *     posture: {firewall: true}    # optional; see PostureRequirement
 *   - name: no-ssh
 *     action: block
 *     everyone: true
 *     apps: [ssh]
 *     notify: true                 # block rules only: tell the user which rule blocked
 * reauthentication: {default: {interval: 12h, grace: 5m}}   # optional; see Reauthentication
 * tests: []                        # optional; see PolicyTestCase
 * </pre>
 * Validation checks each entry, that app and rule names are unique, and that rules name only
 * listed apps. Users and groups that rules name are checked against the directory by
 * {@link LoadedPolicy}, as warnings, because removing a user from the directory must not make
 * the policy invalid.
 */
public record PolicyFile(String directory, List<App> apps, List<User> users, List<Rule> rules,
        Reauthentication reauthentication, List<PolicyTestCase> tests) implements Validatable {

    @JsonCreator
    public PolicyFile(@JsonProperty("directory") String directory,
            @JsonProperty(value = "apps", required = true) List<App> apps,
            @JsonProperty("users") List<User> users,
            @JsonProperty("rules") List<Rule> rules,
            @JsonProperty("reauthentication") Reauthentication reauthentication,
            @JsonProperty("tests") List<PolicyTestCase> tests) {
        this.directory = directory;
        this.apps = apps == null ? List.of() : List.copyOf(apps);
        this.users = users == null ? List.of() : List.copyOf(users);
        this.rules = rules == null ? List.of() : List.copyOf(rules);
        this.reauthentication = reauthentication == null
                ? Reauthentication.DEFAULTS : reauthentication;
        this.tests = tests == null ? List.of() : List.copyOf(tests);
    }

    /** Creates a file with inline users only and default re-authentication. */
    public PolicyFile(List<App> apps, List<User> users, List<Rule> rules) {
        this(null, apps, users, rules, null, null);
    }

    /**
     * Reads and validates a policy file without its directory file.
     *
     * @throws ConfigException naming the file, line, field and what is expected
     */
    public static PolicyFile load(Path file) throws ConfigException {
        return ConfigLoader.load(file, PolicyFile.class);
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        if (directory != null && directory.isBlank()) {
            context.fail("directory", directory, "the path of a directory file");
        }
        Map<String, String> appPaths = new HashMap<>();
        for (int i = 0; i < apps.size(); i++) {
            ValidationContext app = context.at("apps", i);
            apps.get(i).validate(app);
            requireUnique(appPaths, apps.get(i).name(), app.at("name"), "app name", context);
        }
        Directory.validateUsers(users, context);
        Map<String, String> rulePaths = new HashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            ValidationContext rule = context.at("rules", i);
            rules.get(i).validate(rule);
            requireUnique(rulePaths, rules.get(i).name(), rule.at("name"), "rule name", context);
            checkApps(rules.get(i), rule, appPaths.keySet());
        }
        reauthentication.validate(context.at("reauthentication"));
        for (int i = 0; i < tests.size(); i++) {
            tests.get(i).validate(context.at("tests", i));
        }
    }

    /**
     * Fails when {@code name} was already seen, naming the path and line of its first use.
     *
     * @param field the context of the name's own field
     */
    static void requireUnique(Map<String, String> seen, String name,
            ValidationContext field, String what, ValidationContext root) throws ConfigException {
        String first = seen.putIfAbsent(name, field.path(""));
        if (first != null) {
            field.fail("", "duplicate " + what + " '" + name + "': expected a unique "
                    + what + ", first used at " + first + " (line " + root.line(first) + ")");
        }
    }

    private static void checkApps(Rule rule, ValidationContext context, Set<String> apps)
            throws ConfigException {
        for (int i = 0; i < rule.apps().size(); i++) {
            String app = rule.apps().get(i);
            if (!apps.contains(app)) {
                context.fail("apps[" + i + "]", "unknown app '" + app + "': expected one of "
                        + sorted(apps));
            }
        }
    }

    static String sorted(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        list.sort(null);
        return list.isEmpty() ? "(none listed)" : String.join(", ", list);
    }

    /**
     * Builds the engine for this file's inline users only.
     *
     * @param version the version of the steering policies the engine builds
     */
    public PolicyEngine toEngine(long version) {
        return toEngine(users, version);
    }

    /** Builds the engine for this file with the given users. */
    public PolicyEngine toEngine(List<User> allUsers, long version) {
        return new PolicyEngine(new AppCatalog(apps), allUsers, rules, reauthentication,
                version);
    }
}
