package io.ztna.agent.capture;

import io.ztna.proto.policy.PortRange;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The redirect rules as the nftables table {@code inet ztna}, loaded with {@code nft -f -}.
 * A chain on the output hook at DNAT priority (-100) rewrites the destination of matching TCP
 * connections that local processes open, so only traffic of this host is captured.
 *
 * <p>Each load first creates the table if it is missing, then deletes it, then defines it
 * again, all in one file, which nft applies as one transaction. So a reload replaces the rules
 * atomically, and a table left by a run that crashed is replaced, never duplicated.
 */
final class NftRuleset implements RedirectRuleset {

    static final String TABLE = "ztna";

    @Override
    public String name() {
        return "nft";
    }

    @Override
    public void replace(List<RedirectRule> rules, String listenAddress, int port)
            throws IOException, InterruptedException {
        RuleCommand.run(List.of("nft", "-f", "-"), render(rules, listenAddress, port));
    }

    @Override
    public void remove() throws IOException, InterruptedException {
        RuleCommand.run(List.of("nft", "-f", "-"), removal());
    }

    /** Returns the nft script that replaces the table with {@code rules}. */
    static String render(List<RedirectRule> rules, String listenAddress, int port) {
        StringBuilder script = new StringBuilder(removal())
                .append("table inet ").append(TABLE).append(" {\n")
                .append("\tchain output {\n")
                .append("\t\ttype nat hook output priority -100; policy accept;\n")
                .append("\t\tmeta mark ").append(CaptureRules.markText()).append(" return\n");
        for (RedirectRule rule : rules) {
            String family = rule.ipv6() ? "ip6" : "ip";
            String target = rule.ipv6() ? "[" + listenAddress + "]:" + port
                    : listenAddress + ":" + port;
            script.append("\t\t").append(family).append(" daddr ").append(rule.network());
            if (rule.ports().isEmpty()) {
                script.append(" meta l4proto tcp");
            } else {
                script.append(" tcp dport { ").append(ports(rule.ports())).append(" }");
            }
            script.append(" dnat ").append(family).append(" to ").append(target).append('\n');
        }
        return script.append("\t}\n}\n").toString();
    }

    /** Returns the nft script that deletes the table, and succeeds when it does not exist. */
    static String removal() {
        return "table inet " + TABLE + "\ndelete table inet " + TABLE + "\n";
    }

    private static String ports(List<PortRange> ranges) {
        StringBuilder text = new StringBuilder();
        for (PortRange range : ranges) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(range.first() == range.last() ? Integer.toString(range.first())
                    : String.format(Locale.ROOT, "%d-%d", range.first(), range.last()));
        }
        return text.toString();
    }
}
