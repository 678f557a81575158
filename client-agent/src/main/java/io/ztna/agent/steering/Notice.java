package io.ztna.agent.steering;

/**
 * A message for the user of this device, such as a flow blocked by a rule with the notify
 * action or the reason the gateway closed the tunnel.
 *
 * @param time when the agent received or raised it, as an ISO-8601 instant
 * @param source {@code gateway} when the client gateway sent it, {@code agent} when the agent's
 *     steering policy blocked the flow locally
 * @param rule the rule's name, or null
 * @param app the app's name, or null
 * @param destination the flow's destination as host:port, or null
 * @param text one sentence for the user
 */
public record Notice(String time, String source, String rule, String app, String destination,
        String text) {
}
