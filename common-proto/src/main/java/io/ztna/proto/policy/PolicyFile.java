package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The client gateway's policy file: apps, users and rules, checked as a whole at load. */
public record PolicyFile(List<App> apps, List<User> users, List<Rule> rules) {

    @JsonCreator
    public PolicyFile(@JsonProperty(value = "apps", required = true) List<App> apps,
            @JsonProperty("users") List<User> users,
            @JsonProperty("rules") List<Rule> rules) {
        this.apps = List.copyOf(apps);
        this.users = users == null ? List.of() : List.copyOf(users);
        this.rules = rules == null ? List.of() : List.copyOf(rules);
        Set<String> names = new HashSet<>();
        for (App app : this.apps) {
            if (!names.add(app.name())) {
                throw new IllegalArgumentException("duplicate app name '" + app.name()
                        + "' (expected: unique app names)");
            }
        }
        Set<String> ruleNames = new HashSet<>();
        for (Rule rule : this.rules) {
            if (!ruleNames.add(rule.name())) {
                throw new IllegalArgumentException("duplicate rule name '" + rule.name()
                        + "' (expected: unique rule names)");
            }
            for (String app : rule.apps()) {
                if (!names.contains(app)) {
                    throw new IllegalArgumentException("rule " + rule.name() + " names unknown app '"
                            + app + "' (expected: one of " + names + ")");
                }
            }
        }
    }

    public static PolicyFile load(Path file) throws ConfigException {
        return ConfigLoader.load(file, PolicyFile.class);
    }

    /** Builds the engine for this file; {@code version} tells steering policies apart. */
    public PolicyEngine toEngine(long version) {
        return new PolicyEngine(new AppCatalog(apps), users, rules, version);
    }
}
