package io.ztna.proto.control;

/**
 * Sent by a client gateway to an agent: a user-facing notice, such as a flow blocked by a rule
 * with the notify action, or the reason a tunnel is about to close.
 *
 * @param rule name of the rule that caused the notice, or null
 * @param app name of the app concerned, or null
 * @param destination the flow's destination as host:port, or null
 * @param text one sentence for the user
 */
public record NoticeMessage(String rule, String app, String destination, String text)
        implements ControlMessage {
}
