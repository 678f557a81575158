package io.ztna.lab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace that a test creates, joined to the root namespace by a veth pair with a
 * /30 of 10.231.0.0/16 that no interface of this machine uses: the root side has
 * {@link #hostAddress()}, the namespace side {@link #namespaceAddress()}. The namespace has no
 * default route, so nothing in it reaches any other address. The stub range 100.64.0.0/10 is
 * routed to the namespace's loopback: a connection there leaves only when a capture rule
 * redirects it, and is dropped otherwise.
 *
 * <p>{@link #close()} deletes the namespace, which deletes the veth pair with it.
 */
final class NetworkNamespace implements AutoCloseable {

    private final String name;
    private final String hostInterface;
    private final String hostAddress;
    private final String namespaceAddress;

    private NetworkNamespace(String name, String hostInterface, String hostAddress,
            String namespaceAddress) {
        this.name = name;
        this.hostInterface = hostInterface;
        this.hostAddress = hostAddress;
        this.namespaceAddress = namespaceAddress;
    }

    /** Creates the namespace and its link; deletes what it created when a step fails. */
    static NetworkNamespace create() throws IOException, InterruptedException {
        String used = Commands.check("ip", "-o", "-4", "addr", "show");
        int subnet = -1;
        for (int attempt = 0; attempt < 64 && subnet < 0; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(1, 16_384);
            String prefix = "10.231." + (candidate >> 6) + "." + ((candidate & 63) << 2);
            if (!used.contains(prefix.substring(0, prefix.lastIndexOf('.') + 1))) {
                subnet = candidate;
            }
        }
        if (subnet < 0) {
            throw new IOException("no free /30 in 10.231.0.0/16 after 64 tries");
        }
        String base = "10.231." + (subnet >> 6) + ".";
        int host = (subnet & 63) << 2;
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        NetworkNamespace namespace = new NetworkNamespace("ztna-capture-" + suffix,
                "zc" + suffix + "h", base + (host + 1), base + (host + 2));
        try {
            namespace.setUp(base + host);
        } catch (IOException | InterruptedException | RuntimeException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    private void setUp(String network) throws IOException, InterruptedException {
        String peer = hostInterface.substring(0, hostInterface.length() - 1) + "n";
        Commands.check("ip", "netns", "add", name);
        Commands.check("ip", "link", "add", hostInterface, "type", "veth", "peer", "name", peer);
        Commands.check("ip", "link", "set", peer, "netns", name);
        Commands.check("ip", "addr", "add", hostAddress + "/30", "dev", hostInterface);
        Commands.check("ip", "link", "set", hostInterface, "up");
        Commands.check("ip", "-n", name, "addr", "add", namespaceAddress + "/30", "dev", peer);
        Commands.check("ip", "-n", name, "link", "set", peer, "up");
        Commands.check("ip", "-n", name, "link", "set", "lo", "up");
        Commands.check("ip", "-n", name, "route", "add", "100.64.0.0/10", "dev", "lo");
    }

    String name() {
        return name;
    }

    /** Returns the root namespace's side of the link, where the client gateway listens. */
    String hostAddress() {
        return hostAddress;
    }

    String namespaceAddress() {
        return namespaceAddress;
    }

    /** Returns {@code ip netns exec NAME} followed by {@code argv}. */
    List<String> exec(String... argv) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name));
        command.addAll(List.of(argv));
        return command;
    }

    /** Runs {@code argv} inside the namespace for up to {@code timeoutSeconds}. */
    Commands.Result run(long timeoutSeconds, String... argv)
            throws IOException, InterruptedException {
        return Commands.run(timeoutSeconds, exec(argv).toArray(String[]::new));
    }

    /** Deletes the namespace and the veth pair; tolerates parts that were never created. */
    @Override
    public void close() throws IOException, InterruptedException {
        Commands.run(30, "ip", "netns", "delete", name);
        Commands.run(30, "ip", "link", "delete", hostInterface);
    }
}
