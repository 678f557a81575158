package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import java.util.List;
import java.util.Objects;

/**
 * An access rule: it allows or blocks the apps it lists for the users it lists, the members of
 * the groups it lists, or everyone. Immutable; {@link #validate} checks that it has a name, at
 * least one subject and at least one app.
 *
 * @param action null only in a rule that failed validation
 * @param everyone whether the rule applies to every user, listed in the directory or not
 */
public record Rule(String name, Action action, List<String> users, List<String> groups,
        boolean everyone, List<String> apps) implements Validatable {

    /** Effect of a rule on the apps it lists, written {@code allow} or {@code block}. */
    public enum Action { ALLOW, BLOCK }

    @JsonCreator
    public Rule(@JsonProperty(value = "name", required = true) String name,
            @JsonProperty(value = "action", required = true) Action action,
            @JsonProperty("users") List<String> users,
            @JsonProperty("groups") List<String> groups,
            @JsonProperty("everyone") boolean everyone,
            @JsonProperty(value = "apps", required = true) List<String> apps) {
        this.name = Objects.requireNonNullElse(name, "");
        this.action = action;
        this.users = users == null ? List.of() : List.copyOf(users);
        this.groups = groups == null ? List.of() : List.copyOf(groups);
        this.everyone = everyone;
        this.apps = apps == null ? List.of() : List.copyOf(apps);
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        if (name.isBlank()) {
            context.fail("name", name, "a non-empty rule name");
        }
        if (action == null) {
            context.fail("action", "missing value: expected allow or block");
        }
        if (!everyone && users.isEmpty() && groups.isEmpty()) {
            context.fail("", "rule '" + name + "' applies to nobody: expected users, groups "
                    + "or everyone: true");
        }
        if (apps.isEmpty()) {
            context.fail("apps", "apps is empty: expected at least one app name");
        }
    }

    /**
     * Returns whether the rule applies to a principal. Only {@code everyone} rules apply to a
     * user the directory does not list, whatever groups the caller passed.
     */
    public boolean appliesTo(Principal principal) {
        if (everyone) {
            return true;
        }
        if (!principal.known()) {
            return false;
        }
        if (users.contains(principal.userId())) {
            return true;
        }
        for (String group : groups) {
            if (principal.groups().contains(group)) {
                return true;
            }
        }
        return false;
    }
}
