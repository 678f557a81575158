package io.ztna.proto.policy;

/**
 * The outcome of evaluating policy for one user and app.
 *
 * @param allowed true when an allow rule applies and no block rule does
 * @param rule the deciding rule's name, or null when no rule applied (default deny)
 * @param reason a sentence for logs and the client: which rule decided, or that none applied
 */
public record PolicyDecision(boolean allowed, String rule, String reason) {
}
