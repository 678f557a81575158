package io.ztna.proto.policy;

import io.ztna.proto.frame.Protocol;
import io.ztna.proto.posture.DevicePosture;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides access from a directory of users and a set of rules. Access is denied by default. A
 * block rule that applies beats every allow rule, and the order of rules does not matter. When
 * several rules of the deciding kind apply, the decision names the first in name order. A rule
 * with posture conditions applies only while the device meets them. Immutable and thread-safe.
 */
public final class PolicyEngine {

    private final AppCatalog catalog;
    private final Map<String, User> users = new HashMap<>();
    private final Map<String, List<Rule>> rulesByApp = new HashMap<>();
    private final List<Rule> rules;
    private final Reauthentication reauthentication;
    private final long version;

    /**
     * Creates an engine. Rules naming apps the catalog lacks are kept but never apply.
     *
     * @param version the version of the steering policies this engine builds
     */
    public PolicyEngine(AppCatalog catalog, List<User> users, List<Rule> rules,
            Reauthentication reauthentication, long version) {
        this.catalog = catalog;
        for (User user : users) {
            this.users.putIfAbsent(user.id(), user);
        }
        this.rules = rules.stream().sorted(Comparator.comparing(Rule::name)).toList();
        for (Rule rule : this.rules) {
            for (String app : new LinkedHashSet<>(rule.apps())) {
                rulesByApp.computeIfAbsent(app, name -> new ArrayList<>()).add(rule);
            }
        }
        this.reauthentication = reauthentication;
        this.version = version;
    }

    /** Creates an engine with the default re-authentication schedule. */
    public PolicyEngine(AppCatalog catalog, List<User> users, List<Rule> rules, long version) {
        this(catalog, users, rules, Reauthentication.DEFAULTS, version);
    }

    public AppCatalog catalog() {
        return catalog;
    }

    /** Returns the rules in name order. */
    public List<Rule> rules() {
        return rules;
    }

    public long version() {
        return version;
    }

    /** Returns whether the directory lists the user. */
    public boolean knows(String userId) {
        return users.containsKey(userId);
    }

    /** Returns the re-authentication schedule of a principal. */
    public Reauthentication.Schedule reauthenticationFor(Principal principal) {
        return reauthentication.scheduleFor(principal.groups());
    }

    /** Returns a principal with the directory's groups only and no posture reported. */
    public Principal principal(String userId, Set<String> extraGroups) {
        return principal(userId, extraGroups, DevicePosture.NONE);
    }

    /**
     * Returns who a user is for rules: the directory's groups plus {@code extraGroups} and the
     * directory's unit, or no groups and no unit when the directory does not list the user.
     */
    public Principal principal(String userId, Set<String> extraGroups, DevicePosture posture) {
        User user = users.get(userId);
        if (user == null) {
            return new Principal(userId, Set.of(), null, false, posture);
        }
        Set<String> groups = new HashSet<>(user.groups());
        groups.addAll(extraGroups);
        return new Principal(userId, groups, OrgUnits.normalise(user.ou()), true, posture);
    }

    /** Evaluates the rules for a user and app, with the directory's groups and no posture. */
    public Decision evaluate(String userId, App app) {
        return evaluate(principal(userId, Set.of()), app);
    }

    /**
     * Evaluates the rules for a user and app.
     *
     * @param extraGroups groups that count for this request in addition to the directory's,
     *     for example from the device certificate; ignored for users the directory lacks
     */
    public Decision evaluate(String userId, Set<String> extraGroups, App app) {
        return evaluate(principal(userId, extraGroups), app);
    }

    /**
     * Evaluates the rules for a principal and app. When no rule applies but an allow rule
     * would apply except for posture, the denial names that rule and its first unmet condition.
     */
    public Decision evaluate(Principal principal, App app) {
        Rule allow = null;
        Rule block = null;
        Rule postureFailure = null;
        String unmetCondition = null;
        for (Rule rule : rulesByApp.getOrDefault(app.name(), List.of())) {
            if (!rule.matchesSubject(principal)) {
                continue;
            }
            List<String> unmet = rule.unmetPosture(principal);
            if (!unmet.isEmpty()) {
                if (rule.action() == Rule.Action.ALLOW && postureFailure == null) {
                    postureFailure = rule;
                    unmetCondition = unmet.get(0);
                }
                continue;
            }
            if (rule.action() == Rule.Action.BLOCK && block == null) {
                block = rule;
            } else if (rule.action() == Rule.Action.ALLOW && allow == null) {
                allow = rule;
            }
        }
        if (block != null) {
            return Decision.blockedBy(block);
        }
        if (allow != null) {
            return Decision.allowedBy(allow.name());
        }
        if (postureFailure != null) {
            return Decision.postureUnmet(postureFailure, unmetCondition);
        }
        return Decision.noRule(principal.userId(), app.name());
    }

    /**
     * Explains the decision for a flow: the app that covers it, the decision, how each rule
     * listing that app fared, and the steering policy entry that covers the destination.
     */
    public Explanation explain(Principal principal, String host, Protocol protocol, int port) {
        SteeringPolicy srp = steeringPolicyFor(principal);
        SteeringPolicy.SteeredApp entry = srp.entryFor(host, protocol, port);
        Optional<App> app = catalog.match(host, protocol, port);
        if (app.isEmpty()) {
            return new Explanation(null, Decision.noApp(protocol, host, port), List.of(),
                    entry, srp.version());
        }
        List<RuleTrace> traces = new ArrayList<>();
        for (Rule rule : rulesByApp.getOrDefault(app.get().name(), List.of())) {
            String subject = rule.subjectMatch(principal);
            if (subject == null) {
                traces.add(new RuleTrace(rule.name(), rule.action(), false,
                        "not a subject: the rule applies to " + rule.subjects()));
                continue;
            }
            List<String> unmet = rule.unmetPosture(principal);
            traces.add(unmet.isEmpty()
                    ? new RuleTrace(rule.name(), rule.action(), true, "matches " + subject
                            + (rule.posture() == null ? "" : ", posture conditions met"))
                    : new RuleTrace(rule.name(), rule.action(), false, "matches " + subject
                            + " but posture does not meet " + String.join(", ", unmet)));
        }
        return new Explanation(app.get().name(), evaluate(principal, app.get()), traces, entry,
                srp.version());
    }

    /** Builds a user's steering policy from the directory's groups only. */
    public SteeringPolicy steeringPolicyFor(String userId) {
        return steeringPolicyFor(principal(userId, Set.of()));
    }

    /** Builds a user's steering policy, adding {@code extraGroups} to the directory's. */
    public SteeringPolicy steeringPolicyFor(String userId, Set<String> extraGroups) {
        return steeringPolicyFor(principal(userId, extraGroups));
    }

    /**
     * Builds a principal's steering policy. The apps of every allow rule whose subjects include
     * the principal are steered whatever the posture, because the gateway checks posture per
     * flow. The apps of every applying block rule without posture conditions are blocked, each
     * with its rule and notify flag. An app that both kinds name is listed only as blocked.
     * Apps keep the catalog's order.
     */
    public SteeringPolicy steeringPolicyFor(Principal principal) {
        Set<String> allowed = new HashSet<>();
        Map<String, Rule> blocked = new HashMap<>();
        for (Rule rule : rules) {
            if (!rule.matchesSubject(principal)) {
                continue;
            }
            if (rule.action() == Rule.Action.ALLOW) {
                allowed.addAll(rule.apps());
            } else if (rule.posture() == null) {
                for (String app : rule.apps()) {
                    blocked.putIfAbsent(app, rule);
                }
            }
        }
        List<SteeringPolicy.SteeredApp> steeredApps = new ArrayList<>();
        List<SteeringPolicy.SteeredApp> blockedApps = new ArrayList<>();
        for (App app : catalog.apps()) {
            Rule block = blocked.get(app.name());
            if (block != null) {
                blockedApps.add(SteeringPolicy.SteeredApp.blocked(app, block.name(),
                        block.notifyUser()));
            } else if (allowed.contains(app.name())) {
                steeredApps.add(SteeringPolicy.SteeredApp.of(app));
            }
        }
        return new SteeringPolicy(version, steeredApps, blockedApps);
    }
}
