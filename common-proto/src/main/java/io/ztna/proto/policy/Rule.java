package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import java.util.List;
import java.util.Objects;

/**
 * An access rule: it allows or blocks the apps it lists for its subjects (the users it lists,
 * the members of the groups it lists, the users in or below the organisational units it
 * lists, or everyone), optionally only while the device meets posture conditions. A block
 * rule with {@code notify} also sends the user a notice naming the rule. Immutable;
 * {@link #validate} checks that it has a name, at least one subject and at least one app.
 *
 * @param action null only in a rule that failed validation
 * @param everyone whether the rule applies to every user, listed in the directory or not
 * @param posture conditions the device must meet for the rule to apply, or null for none
 */
public record Rule(String name, Action action, List<String> users, List<String> groups,
        List<String> ous, boolean everyone, List<String> apps, PostureRequirement posture,
        boolean notifyUser) implements Validatable {

    /** Effect of a rule on the apps it lists, written {@code allow} or {@code block}. */
    public enum Action { ALLOW, BLOCK }

    @JsonCreator
    public Rule(@JsonProperty(value = "name", required = true) String name,
            @JsonProperty(value = "action", required = true) Action action,
            @JsonProperty("users") List<String> users,
            @JsonProperty("groups") List<String> groups,
            @JsonProperty("ous") List<String> ous,
            @JsonProperty("everyone") boolean everyone,
            @JsonProperty(value = "apps", required = true) List<String> apps,
            @JsonProperty("posture") PostureRequirement posture,
            @JsonProperty("notify") boolean notifyUser) {
        this.name = Objects.requireNonNullElse(name, "");
        this.action = action;
        this.users = users == null ? List.of() : List.copyOf(users);
        this.groups = groups == null ? List.of() : List.copyOf(groups);
        this.ous = ous == null ? List.of() : ous.stream()
                .map(ou -> Objects.requireNonNullElse(OrgUnits.normalise(ou), ou)).toList();
        this.everyone = everyone;
        this.apps = apps == null ? List.of() : List.copyOf(apps);
        this.posture = posture;
        this.notifyUser = notifyUser;
    }

    /** Creates a rule for users and groups, without units, posture or notice. */
    public Rule(String name, Action action, List<String> users, List<String> groups,
            boolean everyone, List<String> apps) {
        this(name, action, users, groups, List.of(), everyone, apps, null, false);
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        if (name.isBlank()) {
            context.fail("name", name, "a non-empty rule name");
        }
        if (action == null) {
            context.fail("action", "missing value: expected allow or block");
        }
        if (!everyone && users.isEmpty() && groups.isEmpty() && ous.isEmpty()) {
            context.fail("", "rule '" + name + "' applies to nobody: expected users, groups, "
                    + "ous or everyone: true");
        }
        for (int i = 0; i < ous.size(); i++) {
            if (OrgUnits.normalise(ous.get(i)) == null) {
                context.fail("ous[" + i + "]", ous.get(i), OrgUnits.EXPECTED);
            }
        }
        if (apps.isEmpty()) {
            context.fail("apps", "apps is empty: expected at least one app name");
        }
        if (notifyUser && action == Action.ALLOW) {
            context.fail("notify", "notify is set on an allow rule: expected it only on "
                    + "block rules, whose blocked flows it reports to the user");
        }
        if (posture != null) {
            posture.validate(context.at("posture"));
        }
    }

    /**
     * Returns whether the principal is one of the rule's subjects, whatever the device's
     * posture. Only {@code everyone} rules apply to a user the directory does not list.
     */
    public boolean matchesSubject(Principal principal) {
        return subjectMatch(principal) != null;
    }

    /**
     * Returns why the principal is one of the rule's subjects, such as {@code group
     * engineering} or {@code ou /corp/eng}, or null when it is not one.
     */
    public String subjectMatch(Principal principal) {
        if (everyone) {
            return "everyone";
        }
        if (!principal.known()) {
            return null;
        }
        if (users.contains(principal.userId())) {
            return "user " + principal.userId();
        }
        for (String group : groups) {
            if (principal.groups().contains(group)) {
                return "group " + group;
            }
        }
        if (principal.ou() != null) {
            for (String ou : ous) {
                if (OrgUnits.contains(ou, principal.ou())) {
                    return "ou " + ou;
                }
            }
        }
        return null;
    }

    /** Returns the posture conditions the principal's device does not meet; empty if none. */
    public List<String> unmetPosture(Principal principal) {
        return posture == null || principal.posture() == null ? List.of()
                : posture.unmet(principal.posture());
    }

    /** Returns whether the rule applies: the principal is a subject and the posture holds. */
    public boolean appliesTo(Principal principal) {
        return matchesSubject(principal) && unmetPosture(principal).isEmpty();
    }

    /** Returns the subjects as written, for explanations: {@code users [a], groups [b]}. */
    public String subjects() {
        if (everyone) {
            return "everyone";
        }
        StringBuilder text = new StringBuilder();
        append(text, "users", users);
        append(text, "groups", groups);
        append(text, "ous", ous);
        return text.toString();
    }

    private static void append(StringBuilder text, String label, List<String> values) {
        if (!values.isEmpty()) {
            text.append(text.length() == 0 ? "" : ", ").append(label).append(' ').append(values);
        }
    }
}
