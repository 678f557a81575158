package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.ConfigLoader;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The directory file: the users that may connect, with their groups and organisational unit.
 * <pre>
 * users:
 *   - id: alice@example.com        # the email in the device certificate
 *     groups: [engineering]
 *     ou: /corp/eng/platform       # optional
 * </pre>
 * User ids must be unique.
 */
public record Directory(List<User> users) implements Validatable {

    @JsonCreator
    public Directory(@JsonProperty(value = "users", required = true) List<User> users) {
        this.users = users == null ? List.of() : List.copyOf(users);
    }

    /**
     * Reads and validates a directory file.
     *
     * @throws ConfigException naming the file, line, field and what is expected
     */
    public static Directory load(Path file) throws ConfigException {
        return ConfigLoader.load(file, Directory.class);
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        validateUsers(users, context);
    }

    /** Validates each user and that ids are unique, at {@code users[i]} below the context. */
    static void validateUsers(List<User> users, ValidationContext context)
            throws ConfigException {
        Map<String, String> paths = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            ValidationContext user = context.at("users", i);
            users.get(i).validate(user);
            PolicyFile.requireUnique(paths, users.get(i).id(), user.at("id"), "user id", context);
        }
    }
}
