package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import java.util.List;
import java.util.Objects;

/**
 * A directory entry: the user's id, which is the email in the device certificate, the groups
 * the user belongs to, in the order written, and the user's organisational unit.
 *
 * @param ou the unit's path such as {@code /corp/eng/platform}, or null when the user has none
 */
public record User(String id, List<String> groups, String ou) implements Validatable {

    @JsonCreator
    public User(@JsonProperty(value = "id", required = true) String id,
            @JsonProperty("groups") List<String> groups,
            @JsonProperty("ou") String ou) {
        this.id = Objects.requireNonNullElse(id, "");
        this.groups = groups == null ? List.of() : List.copyOf(groups);
        this.ou = ou;
    }

    public User(String id, List<String> groups) {
        this(id, groups, null);
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        if (id.isBlank()) {
            context.fail("id", id, "the user's email, such as alice@example.com");
        }
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).isBlank()) {
                context.fail("groups[" + i + "]", groups.get(i), "a non-empty group name");
            }
        }
        if (ou != null && OrgUnits.normalise(ou) == null) {
            context.fail("ou", ou, OrgUnits.EXPECTED);
        }
    }
}
