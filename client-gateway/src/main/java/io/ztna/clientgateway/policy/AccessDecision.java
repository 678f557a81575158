package io.ztna.clientgateway.policy;

import java.util.List;

/**
 * Whether one flow may proceed.
 *
 * @param allowed true when policy allows the flow
 * @param app name of the app that covers the destination, or null when none does
 * @param publishers publishers assigned to that app, in config order
 * @param reason why a flow was denied, naming the rule; "allowed by rule RULE" otherwise
 * @param rule the deciding rule, or null when no rule applied
 * @param notifyUser whether the deciding block rule asks for a notice to the user
 */
public record AccessDecision(boolean allowed, String app, List<String> publishers, String reason,
        String rule, boolean notifyUser) {

    public static AccessDecision allow(String app, List<String> publishers, String rule) {
        return new AccessDecision(true, app, List.copyOf(publishers), "allowed by rule " + rule,
                rule, false);
    }

    public static AccessDecision deny(String app, String reason, String rule,
            boolean notifyUser) {
        return new AccessDecision(false, app, List.of(), reason, rule, notifyUser);
    }
}
