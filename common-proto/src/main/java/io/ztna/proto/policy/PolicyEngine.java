package io.ztna.proto.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides access from a directory of users and a set of rules. Access is denied by default. A
 * block rule that applies beats every allow rule, and the order of rules does not matter. When
 * several rules of the deciding kind apply, the decision names the first in name order.
 * Immutable and thread-safe.
 */
public final class PolicyEngine {

    private final AppCatalog catalog;
    private final Map<String, User> users = new HashMap<>();
    private final Map<String, List<Rule>> rulesByApp = new HashMap<>();
    private final List<Rule> rules;
    private final long version;

    /**
     * Creates an engine. Rules naming apps the catalog lacks are kept but never apply.
     *
     * @param version the version of the steering policies this engine builds
     */
    public PolicyEngine(AppCatalog catalog, List<User> users, List<Rule> rules, long version) {
        this.catalog = catalog;
        for (User user : users) {
            this.users.putIfAbsent(user.id(), user);
        }
        this.rules = List.copyOf(rules);
        for (Rule rule : this.rules) {
            for (String app : new LinkedHashSet<>(rule.apps())) {
                rulesByApp.computeIfAbsent(app, name -> new ArrayList<>()).add(rule);
            }
        }
        this.version = version;
    }

    public AppCatalog catalog() {
        return catalog;
    }

    public List<Rule> rules() {
        return rules;
    }

    public long version() {
        return version;
    }

    /**
     * Returns who a user is for rules: the directory's groups plus {@code extraGroups}, or no
     * groups at all when the directory does not list the user.
     */
    public Principal principal(String userId, Set<String> extraGroups) {
        User user = users.get(userId);
        if (user == null) {
            return new Principal(userId, Set.of(), false);
        }
        Set<String> groups = new HashSet<>(user.groups());
        groups.addAll(extraGroups);
        return new Principal(userId, groups, true);
    }

    /** Evaluates the rules for a user and app, with the directory's groups only. */
    public Decision evaluate(String userId, App app) {
        return evaluate(userId, Set.of(), app);
    }

    /**
     * Evaluates the rules for a user and app.
     *
     * @param extraGroups groups that count for this request in addition to the directory's,
     *     for example from the device certificate; ignored for users the directory lacks
     */
    public Decision evaluate(String userId, Set<String> extraGroups, App app) {
        Principal principal = principal(userId, extraGroups);
        String allowRule = null;
        String blockRule = null;
        for (Rule rule : rulesByApp.getOrDefault(app.name(), List.of())) {
            if (!rule.appliesTo(principal)) {
                continue;
            }
            if (rule.action() == Rule.Action.BLOCK) {
                blockRule = firstByName(blockRule, rule.name());
            } else if (rule.action() == Rule.Action.ALLOW) {
                allowRule = firstByName(allowRule, rule.name());
            }
        }
        if (blockRule != null) {
            return Decision.blockedBy(blockRule);
        }
        if (allowRule != null) {
            return Decision.allowedBy(allowRule);
        }
        return Decision.noRule(userId, app.name());
    }

    private static String firstByName(String current, String candidate) {
        return current == null || candidate.compareTo(current) < 0 ? candidate : current;
    }

    /** Builds a user's steering policy with the directory's groups only. */
    public SteeringPolicy steeringPolicyFor(String userId) {
        return steeringPolicyFor(userId, Set.of());
    }

    /**
     * Builds a user's steering policy: the apps of every allow rule that applies to the user as
     * steered, and the apps of every block rule that applies as blocked. An app that both kinds
     * name is listed only as blocked. Apps keep the catalog's order.
     */
    public SteeringPolicy steeringPolicyFor(String userId, Set<String> extraGroups) {
        Principal principal = principal(userId, extraGroups);
        Set<String> allowed = new HashSet<>();
        Set<String> blocked = new HashSet<>();
        for (Rule rule : rules) {
            if (rule.appliesTo(principal)) {
                (rule.action() == Rule.Action.BLOCK ? blocked : allowed).addAll(rule.apps());
            }
        }
        List<SteeringPolicy.SteeredApp> steeredApps = new ArrayList<>();
        List<SteeringPolicy.SteeredApp> blockedApps = new ArrayList<>();
        for (App app : catalog.apps()) {
            if (blocked.contains(app.name())) {
                blockedApps.add(SteeringPolicy.SteeredApp.of(app));
            } else if (allowed.contains(app.name())) {
                steeredApps.add(SteeringPolicy.SteeredApp.of(app));
            }
        }
        return new SteeringPolicy(version, steeredApps, blockedApps);
    }
}
