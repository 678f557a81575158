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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client gateway's policy file: apps, a directory of users, and rules.
 * <pre>
 * apps:
 *   - name: lab-hosts
 *     hosts: [host.lab.internal, "*.lab.internal", 10.20.0.0/16]
 *     protocols: [tcp:18000-18999, udp:53]
 *     publishers: [pub-1]
 *     publisherDns: false          # optional, default false
 * users:                           # optional
 *   - id: alice@example.com
 *     groups: [engineering]
 * rules:                           # optional; without rules every flow is denied
 *   - name: engineering-apps
 *     action: allow                # allow or block
 *     groups: [engineering]        # and/or users: [...], or everyone: true
 *     apps: [lab-hosts]
 * </pre>
 * Validation checks each entry and then the entries together. App, user and rule names must be
 * unique, and rules may name only listed apps and users. Every group a rule names must be a
 * group of some listed user, so that a misspelt name is an error rather than a dead rule.
 */
public record PolicyFile(List<App> apps, List<User> users, List<Rule> rules)
        implements Validatable {

    @JsonCreator
    public PolicyFile(@JsonProperty(value = "apps", required = true) List<App> apps,
            @JsonProperty("users") List<User> users,
            @JsonProperty("rules") List<Rule> rules) {
        this.apps = apps == null ? List.of() : List.copyOf(apps);
        this.users = users == null ? List.of() : List.copyOf(users);
        this.rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /**
     * Reads and validates a policy file.
     *
     * @throws ConfigException naming the file, line, field and what is expected
     */
    public static PolicyFile load(Path file) throws ConfigException {
        return ConfigLoader.load(file, PolicyFile.class);
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        Map<String, String> appPaths = new HashMap<>();
        for (int i = 0; i < apps.size(); i++) {
            ValidationContext app = context.at("apps", i);
            apps.get(i).validate(app);
            requireUnique(appPaths, apps.get(i).name(), app.at("name"), "app name", context);
        }
        Map<String, String> userPaths = new HashMap<>();
        Set<String> groups = new LinkedHashSet<>();
        for (int i = 0; i < users.size(); i++) {
            ValidationContext user = context.at("users", i);
            users.get(i).validate(user);
            requireUnique(userPaths, users.get(i).id(), user.at("id"), "user id", context);
            groups.addAll(users.get(i).groups());
        }
        Map<String, String> rulePaths = new HashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            ValidationContext rule = context.at("rules", i);
            rules.get(i).validate(rule);
            requireUnique(rulePaths, rules.get(i).name(), rule.at("name"), "rule name", context);
            checkReferences(rules.get(i), rule, appPaths.keySet(), userPaths.keySet(), groups);
        }
    }

    /**
     * Fails when {@code name} was already seen, naming the path and line of its first use.
     *
     * @param field the context of the name's own field
     */
    private static void requireUnique(Map<String, String> seen, String name,
            ValidationContext field, String what, ValidationContext root) throws ConfigException {
        String first = seen.putIfAbsent(name, field.path(""));
        if (first != null) {
            field.fail("", "duplicate " + what + " '" + name + "': expected a unique "
                    + what + ", first used at " + first + " (line " + root.line(first) + ")");
        }
    }

    private static void checkReferences(Rule rule, ValidationContext context, Set<String> apps,
            Set<String> users, Set<String> groups) throws ConfigException {
        for (int i = 0; i < rule.apps().size(); i++) {
            String app = rule.apps().get(i);
            if (!apps.contains(app)) {
                context.fail("apps[" + i + "]", "unknown app '" + app + "': expected one of "
                        + sorted(apps));
            }
        }
        for (int i = 0; i < rule.users().size(); i++) {
            String user = rule.users().get(i);
            if (!users.contains(user)) {
                context.fail("users[" + i + "]", "unknown user '" + user
                        + "': expected the id of a user listed under users");
            }
        }
        for (int i = 0; i < rule.groups().size(); i++) {
            String group = rule.groups().get(i);
            if (!groups.contains(group)) {
                context.fail("groups[" + i + "]", "unknown group '" + group
                        + "': expected a group of a user listed under users, one of "
                        + sorted(groups));
            }
        }
    }

    private static String sorted(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        list.sort(null);
        return list.isEmpty() ? "(none listed)" : String.join(", ", list);
    }

    /**
     * Builds the engine for this file.
     *
     * @param version the version of the steering policies the engine builds
     */
    public PolicyEngine toEngine(long version) {
        return new PolicyEngine(new AppCatalog(apps), users, rules, version);
    }
}
