package io.ztna.proto.policy;

import java.util.Set;

/**
 * The requester of access as rules see it: the user id, the groups that count for this
 * request, and whether the directory lists the user. Conditions such as an organisational unit or device
 * posture would be added here, so that rules can test them without a new evaluate signature.
 *
 * @param userId the email from the device certificate
 * @param groups the directory's groups plus any the caller added, empty for unknown users
 * @param known whether the directory lists the user
 */
public record Principal(String userId, Set<String> groups, boolean known) {

    public Principal {
        groups = Set.copyOf(groups);
    }
}
