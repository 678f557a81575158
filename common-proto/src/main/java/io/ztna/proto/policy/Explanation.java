package io.ztna.proto.policy;

import java.util.List;

/**
 * Why policy decides a flow as it does, for {@code policy explain}.
 *
 * @param app the app that covers the destination, or null when none does
 * @param decision the decision, as the gateway would make it for a new flow
 * @param rules how each rule listing the app fared, in rule name order
 * @param steeringEntry the entry of the user's steering policy that covers the destination,
 *     or null when the agent would not steer it
 * @param steeringVersion the version of that steering policy
 */
public record Explanation(String app, Decision decision, List<RuleTrace> rules,
        SteeringPolicy.SteeredApp steeringEntry, long steeringVersion) {
}
