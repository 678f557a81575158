package io.ztna.proto.policy;

/**
 * How one rule that lists an app fared for one request, for {@code policy explain}.
 *
 * @param rule the rule's name
 * @param action what the rule does when it applies
 * @param applied whether the rule applied
 * @param why the subject that matched and the posture outcome, or why it did not apply
 */
public record RuleTrace(String rule, Rule.Action action, boolean applied, String why) {
}
