package io.ztna.proto.policy;

import io.ztna.proto.frame.Protocol;
import java.util.Locale;

/**
 * The outcome of evaluating policy for one user and app.
 *
 * @param verdict ALLOW when an allow rule applies and no block rule does, else DENY
 * @param rule the deciding rule's name, or null when no rule applied (default deny)
 * @param reason a sentence for logs and the client naming the rule or the unmet posture
 *     condition, or saying that no rule applied
 * @param notifyUser whether the deciding block rule asks for a notice to the user
 */
public record Decision(Verdict verdict, String rule, String reason, boolean notifyUser) {

    /** Whether the flow may proceed. */
    public enum Verdict { ALLOW, DENY }

    static Decision allowedBy(String rule) {
        return new Decision(Verdict.ALLOW, rule, "allowed by rule " + rule, false);
    }

    static Decision blockedBy(Rule rule) {
        return new Decision(Verdict.DENY, rule.name(), "blocked by rule " + rule.name(),
                rule.notifyUser());
    }

    static Decision postureUnmet(Rule rule, String condition) {
        return new Decision(Verdict.DENY, rule.name(), "device posture does not meet rule "
                + rule.name() + ": requires " + condition, false);
    }

    static Decision noApp(Protocol protocol, String host, int port) {
        String destination = host.indexOf(':') >= 0 && !host.startsWith("[")
                ? "[" + host + "]:" + port : host + ":" + port;
        return new Decision(Verdict.DENY, null, "no app covers "
                + protocol.name().toLowerCase(Locale.ROOT) + " " + destination, false);
    }

    static Decision noRule(String userId, String app) {
        return new Decision(Verdict.DENY, null,
                "no rule allows user " + userId + " to reach app " + app, false);
    }

    public boolean allowed() {
        return verdict == Verdict.ALLOW;
    }
}
