package io.ztna.proto.policy;

/**
 * The outcome of evaluating policy for one user and app.
 *
 * @param verdict ALLOW when an allow rule applies and no block rule does, else DENY
 * @param rule the deciding rule's name, or null when no rule applied (default deny)
 * @param reason a sentence for logs and the client naming the rule, or saying none applied
 */
public record Decision(Verdict verdict, String rule, String reason) {

    /** Whether the flow may proceed. */
    public enum Verdict { ALLOW, DENY }

    static Decision allowedBy(String rule) {
        return new Decision(Verdict.ALLOW, rule, "allowed by rule " + rule);
    }

    static Decision blockedBy(String rule) {
        return new Decision(Verdict.DENY, rule, "blocked by rule " + rule);
    }

    static Decision noRule(String userId, String app) {
        return new Decision(Verdict.DENY, null,
                "no rule allows user " + userId + " to reach app " + app);
    }

    public boolean allowed() {
        return verdict == Verdict.ALLOW;
    }
}
