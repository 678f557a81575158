package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Set;

/** A directory entry: the user's id (the email in the device certificate) and groups. */
public record User(String id, Set<String> groups) {

    @JsonCreator
    public User(@JsonProperty(value = "id", required = true) String id,
            @JsonProperty("groups") Set<String> groups) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("user id is empty (expected: the user's email)");
        }
        this.id = id;
        this.groups = groups == null ? Set.of() : Set.copyOf(groups);
    }
}
