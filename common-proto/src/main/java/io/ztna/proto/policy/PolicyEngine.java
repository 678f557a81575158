package io.ztna.proto.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides access: default deny, any block rule that applies beats every allow rule, and the
 * order of rules does not matter. Immutable and thread-safe.
 */
public final class PolicyEngine {

    private final AppCatalog catalog;
    private final Map<String, User> users = new HashMap<>();
    private final List<Rule> rules;
    private final long version;

    public PolicyEngine(AppCatalog catalog, List<User> users, List<Rule> rules, long version) {
        this.catalog = catalog;
        users.forEach(user -> this.users.put(user.id(), user));
        this.rules = List.copyOf(rules);
        this.version = version;
    }

    public AppCatalog catalog() {
        return catalog;
    }

    public long version() {
        return version;
    }

    private Set<String> groupsOf(String userId) {
        User user = users.get(userId);
        return user == null ? Set.of() : user.groups();
    }

    /** Evaluates every rule for one user and app. */
    public PolicyDecision evaluate(String userId, App app) {
        Set<String> groups = groupsOf(userId);
        String allowRule = null;
        for (Rule rule : rules) {
            if (!rule.apps().contains(app.name()) || !rule.appliesTo(userId, groups)) {
                continue;
            }
            if (rule.action() == Rule.Action.BLOCK) {
                return new PolicyDecision(false, rule.name(), "blocked by rule " + rule.name());
            }
            if (allowRule == null) {
                allowRule = rule.name();
            }
        }
        if (allowRule != null) {
            return new PolicyDecision(true, allowRule, "allowed by rule " + allowRule);
        }
        return new PolicyDecision(false, null,
                "no rule allows user " + userId + " to reach app " + app.name());
    }

    /**
     * Builds the user's steering policy: every app of an allow rule that applies to the user,
     * and every app of a block rule that applies, as blocked. A blocked app is listed only as
     * blocked.
     */
    public SteeringPolicy steeringPolicyFor(String userId) {
        Set<String> groups = groupsOf(userId);
        Map<String, App> allowed = new LinkedHashMap<>();
        Map<String, App> blocked = new LinkedHashMap<>();
        for (Rule rule : rules) {
            if (!rule.appliesTo(userId, groups)) {
                continue;
            }
            for (String appName : rule.apps()) {
                catalog.byName(appName).ifPresent(app -> (rule.action() == Rule.Action.BLOCK
                        ? blocked : allowed).put(app.name(), app));
            }
        }
        blocked.keySet().forEach(allowed::remove);
        return new SteeringPolicy(version, toSteered(allowed.values()), toSteered(blocked.values()));
    }

    private static List<SteeringPolicy.SteeredApp> toSteered(Iterable<App> apps) {
        List<SteeringPolicy.SteeredApp> list = new ArrayList<>();
        for (App app : apps) {
            list.add(new SteeringPolicy.SteeredApp(app.name(), app.hosts(), app.protocols()));
        }
        return list;
    }
}
