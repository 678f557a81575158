package io.ztna.agent.capture;

import io.ztna.proto.policy.PortRange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The redirect rules as the chain {@code ZTNA} of the iptables {@code nat} table, jumped to from
 * {@code OUTPUT} for TCP, so only connections that local processes open are captured. IPv4
 * rules are loaded with {@code iptables-restore}, IPv6 rules with {@code ip6tables-restore}.
 *
 * <p>Each load runs the restore tool with {@code --noflush}, so rules of other software stay,
 * and one {@code COMMIT}, which the tool applies as one transaction. Declaring the chain
 * creates it or flushes the old one. The jumps from {@code OUTPUT} that the save tool lists,
 * including those of a run that crashed, are deleted in the same transaction and one jump is
 * added, so a reload or a restart after a crash never duplicates them.
 */
final class IptablesRuleset implements RedirectRuleset {

    static final String CHAIN = "ZTNA";
    /** The jump from OUTPUT, as the save tool prints it. */
    static final String JUMP = "-A OUTPUT -p tcp -m comment --comment ztna -j " + CHAIN;
    /** Ports per multiport match: the extension takes at most 15, a range counting as two. */
    private static final int PORTS_PER_RULE = 7;

    private final boolean ipv6;

    /** @param ipv6 whether the rules are for IPv6, loaded with the ip6tables tools */
    IptablesRuleset(boolean ipv6) {
        this.ipv6 = ipv6;
    }

    @Override
    public String name() {
        return "iptables";
    }

    @Override
    public void replace(List<RedirectRule> rules, String listenAddress, int port)
            throws IOException, InterruptedException {
        restore(render(rules, ipv6, listenAddress, port, existingJumps()));
    }

    @Override
    public void remove() throws IOException, InterruptedException {
        restore(removal(existingJumps()));
    }

    private void restore(String script) throws IOException, InterruptedException {
        RuleCommand.run(List.of(ipv6 ? "ip6tables-restore" : "iptables-restore", "--noflush"),
                script);
    }

    /** Returns the jumps to the chain in OUTPUT as the save tool lists them. */
    private List<String> existingJumps() throws IOException, InterruptedException {
        String saved = RuleCommand.run(
                List.of(ipv6 ? "ip6tables-save" : "iptables-save", "-t", "nat"), "");
        return jumpsIn(saved);
    }

    /** Returns the lines of a {@code nat} table dump that jump from OUTPUT to the chain. */
    static List<String> jumpsIn(String saved) {
        List<String> jumps = new ArrayList<>();
        for (String line : saved.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("-A OUTPUT ") && trimmed.endsWith("-j " + CHAIN)) {
                jumps.add(trimmed);
            }
        }
        return jumps;
    }

    /** Returns the restore script that replaces the chain and its jump. */
    static String render(List<RedirectRule> rules, boolean ipv6, String listenAddress, int port,
            List<String> existingJumps) {
        String target = ipv6 ? "[" + listenAddress + "]:" + port : listenAddress + ":" + port;
        StringBuilder script = new StringBuilder("*nat\n:").append(CHAIN).append(" - [0:0]\n");
        existingJumps.forEach(jump -> script.append("-D").append(jump.substring(2)).append('\n'));
        script.append(JUMP).append('\n')
                .append("-A ").append(CHAIN).append(" -m mark --mark ")
                .append(CaptureRules.markText()).append(" -j RETURN\n");
        for (RedirectRule rule : rules) {
            String match = "-A " + CHAIN + " -d " + rule.network() + " -p tcp";
            String action = " -j DNAT --to-destination " + target + "\n";
            if (rule.ports().isEmpty()) {
                script.append(match).append(action);
                continue;
            }
            for (int i = 0; i < rule.ports().size(); i += PORTS_PER_RULE) {
                List<PortRange> chunk = rule.ports().subList(i,
                        Math.min(rule.ports().size(), i + PORTS_PER_RULE));
                script.append(match).append(" -m multiport --dports ").append(ports(chunk))
                        .append(action);
            }
        }
        return script.append("COMMIT\n").toString();
    }

    /** Returns the restore script that deletes the jumps and the chain. */
    static String removal(List<String> existingJumps) {
        StringBuilder script = new StringBuilder("*nat\n:").append(CHAIN).append(" - [0:0]\n");
        existingJumps.forEach(jump -> script.append("-D").append(jump.substring(2)).append('\n'));
        return script.append("-X ").append(CHAIN).append("\nCOMMIT\n").toString();
    }

    private static String ports(List<PortRange> ranges) {
        List<String> parts = new ArrayList<>();
        for (PortRange range : ranges) {
            parts.add(range.first() == range.last() ? Integer.toString(range.first())
                    : range.first() + ":" + range.last());
        }
        return String.join(",", parts);
    }
}
