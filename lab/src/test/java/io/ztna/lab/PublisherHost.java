package io.ztna.lab;

import java.io.IOException;
import java.util.List;

/**
 * A network namespace used as a publisher's host, joined to the root namespace by a veth pair
 * on its own /24: the root end takes {@code 10.231.SUBNET.1} and the host end
 * {@code 10.231.SUBNET.2}. Tests cut the link with {@link #linkDown} or drop its packets
 * silently with {@link #dropTraffic}.
 *
 * <p>The host end is the one taken down, because a root end taken down would remove the root
 * namespace's local route to its address, which other publishers reach through their own
 * links.
 */
final class PublisherHost implements AutoCloseable {

    /** Name of the nft table that {@link #dropTraffic} adds inside the namespace. */
    private static final String DROP_TABLE = "ztna_test_drop";

    private final String namespace;
    private final String rootDevice;
    private final String hostDevice;
    private final int subnet;
    private final int otherSubnet;
    private boolean created;

    /**
     * @param tag a few hex digits that make the names unique to this test run
     * @param index this host's number, 1 or 2
     * @param subnet the third octet of this host's 10.231.SUBNET.0/24
     * @param otherSubnet the third octet of the other host's /24, routed through the root
     *     namespace
     */
    PublisherHost(String tag, int index, int subnet, int otherSubnet) {
        this.namespace = "ztna-" + tag + "-pub" + index;
        this.rootDevice = "zt" + tag + "r" + index;
        this.hostDevice = "zt" + tag + "h" + index;
        this.subnet = subnet;
        this.otherSubnet = otherSubnet;
    }

    String namespace() {
        return namespace;
    }

    /** Returns the root namespace's address on this host's link, such as 10.231.120.1. */
    String rootAddress() {
        return "10.231." + subnet + ".1";
    }

    /** Creates the namespace and the link, and routes the other host's /24 over the link. */
    PublisherHost create() throws IOException, InterruptedException {
        SystemCommand.check("ip", "netns", "add", namespace);
        created = true;
        SystemCommand.check("ip", "link", "add", rootDevice, "type", "veth", "peer", "name",
                hostDevice, "netns", namespace);
        SystemCommand.check("ip", "addr", "add", rootAddress() + "/24", "dev", rootDevice);
        SystemCommand.check("ip", "link", "set", rootDevice, "up");
        SystemCommand.check("ip", "-n", namespace, "link", "set", "lo", "up");
        SystemCommand.check("ip", "-n", namespace, "addr", "add", hostAddress() + "/24", "dev",
                hostDevice);
        linkUp();
        return this;
    }

    /** Takes the host end of the link down, which also removes the namespace's routes. */
    void linkDown() throws IOException, InterruptedException {
        SystemCommand.check("ip", "-n", namespace, "link", "set", hostDevice, "down");
    }

    /** Brings the host end of the link up and adds the route to the other host's /24 again. */
    void linkUp() throws IOException, InterruptedException {
        SystemCommand.check("ip", "-n", namespace, "link", "set", hostDevice, "up");
        SystemCommand.check("ip", "-n", namespace, "route", "replace",
                "10.231." + otherSubnet + ".0/24", "via", rootAddress());
    }

    /** Drops every packet the host sends or receives on its link, without an error. */
    void dropTraffic() throws IOException, InterruptedException {
        SystemCommand.check("ip", "netns", "exec", namespace, "nft", "add", "table", "inet",
                DROP_TABLE);
        for (String[] hook : new String[][] {{"input", "iifname"}, {"output", "oifname"}}) {
            SystemCommand.check("ip", "netns", "exec", namespace, "nft", "add", "chain", "inet",
                    DROP_TABLE, hook[0], "{ type filter hook " + hook[0]
                            + " priority 0 ; policy accept ; }");
            SystemCommand.check("ip", "netns", "exec", namespace, "nft", "add", "rule", "inet",
                    DROP_TABLE, hook[0], hook[1], hostDevice, "drop");
        }
    }

    /** Removes what {@link #dropTraffic} added. */
    void allowTraffic() throws IOException, InterruptedException {
        SystemCommand.check("ip", "netns", "exec", namespace, "nft", "delete", "table", "inet",
                DROP_TABLE);
    }

    /** Deletes the link, unless it is already gone, and the namespace. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (!created) {
            return;
        }
        SystemCommand.run(List.of("ip", "link", "del", rootDevice));
        SystemCommand.check("ip", "netns", "del", namespace);
        created = false;
    }

    private String hostAddress() {
        return "10.231." + subnet + ".2";
    }
}
