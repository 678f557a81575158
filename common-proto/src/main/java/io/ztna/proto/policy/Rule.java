package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An access rule: it allows or blocks a set of apps for the users it names, the members of the
 * groups it names, or everyone.
 */
public record Rule(String name, Action action, Set<String> users, Set<String> groups,
        boolean everyone, List<String> apps) {

    /** What a rule does to the apps it lists. */
    public enum Action { ALLOW, BLOCK }

    @JsonCreator
    public Rule(@JsonProperty(value = "name", required = true) String name,
            @JsonProperty(value = "action", required = true) String action,
            @JsonProperty("users") Set<String> users,
            @JsonProperty("groups") Set<String> groups,
            @JsonProperty("everyone") Boolean everyone,
            @JsonProperty(value = "apps", required = true) List<String> apps) {
        this(name, parseAction(action, name), users == null ? Set.of() : Set.copyOf(users),
                groups == null ? Set.of() : Set.copyOf(groups), everyone != null && everyone,
                List.copyOf(apps));
        if (!this.everyone && this.users.isEmpty() && this.groups.isEmpty()) {
            throw new IllegalArgumentException("rule " + name + " applies to nobody (expected: "
                    + "users, groups or everyone: true)");
        }
        if (this.apps.isEmpty()) {
            throw new IllegalArgumentException("rule " + name + ": apps is empty (expected: at "
                    + "least one app name)");
        }
    }

    private static Action parseAction(String action, String rule) {
        return switch (action == null ? "" : action.toLowerCase(Locale.ROOT)) {
            case "allow" -> Action.ALLOW;
            case "block" -> Action.BLOCK;
            default -> throw new IllegalArgumentException("rule " + rule + ": invalid action '"
                    + action + "' (expected: allow or block)");
        };
    }

    /** True when the rule applies to this user. */
    public boolean appliesTo(String userId, Set<String> userGroups) {
        if (everyone || users.contains(userId)) {
            return true;
        }
        for (String group : userGroups) {
            if (groups.contains(group)) {
                return true;
            }
        }
        return false;
    }
}
