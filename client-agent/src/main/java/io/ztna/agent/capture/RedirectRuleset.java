package io.ztna.agent.capture;

import java.io.IOException;
import java.util.List;

/**
 * The agent's redirect rules in one firewall, always replaced or removed as a whole in one
 * transaction of the firewall tool, so that no connection meets half a ruleset. Packets
 * that carry {@link CaptureRules#AGENT_MARK} are never redirected.
 */
interface RedirectRuleset {

    /** Returns the firewall's name for logs and status: {@code nft} or {@code iptables}. */
    String name();

    /**
     * Replaces the agent's rules, including rules a previous run left, with {@code rules}
     * redirected to {@code port} on {@code listenAddress}.
     *
     * @param listenAddress an IP literal of the family of the rules
     * @throws IOException naming the tool and its error output when the tool failed
     */
    void replace(List<RedirectRule> rules, String listenAddress, int port)
            throws IOException, InterruptedException;

    /**
     * Removes the agent's rules; succeeds when there are none.
     *
     * @throws IOException naming the tool and its error output when the tool failed
     */
    void remove() throws IOException, InterruptedException;
}
