package io.ztna.proto.policy;

import io.ztna.proto.posture.DevicePosture;
import java.util.Set;

/**
 * The requester of access as rules see it: the user id, the groups and organisational unit that
 * count for this request, whether the directory lists the user, and the device's posture.
 *
 * @param userId the email from the device certificate
 * @param groups the directory's groups plus any the caller added, empty for unknown users
 * @param ou the normalised organisational unit path, or null when the user has none
 * @param known whether the directory lists the user
 * @param posture the device's last reported posture, {@link DevicePosture#NONE} before any;
 *     null only where posture is not considered, as in policy test cases that give none, and
 *     then every posture condition counts as met
 */
public record Principal(String userId, Set<String> groups, String ou, boolean known,
        DevicePosture posture) {

    public Principal {
        groups = Set.copyOf(groups);
    }

    /** Returns the same principal with another posture. */
    public Principal withPosture(DevicePosture next) {
        return new Principal(userId, groups, ou, known, next);
    }
}
