package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.lab.demo.DemoHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transparent capture with real kernel rules. The agent runs as a process in a network
 * namespace that this test creates, so its nft or iptables rules exist only there; the other
 * tiers run in this JVM, with the client gateway listening on the namespace link's root side.
 * Inside the namespace, curl connects to stub addresses with no proxy option. The stub table
 * maps 100.64.0.1 to intranet.corp.internal and 100.64.0.2 to ssh.corp.internal, which the
 * lab policy blocks.
 *
 * <p>Needs root, ip, nft, iptables and curl; skips without them unless CI is set.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TransparentCaptureIT {

    private static final int LISTEN_PORT = 15001;
    /** Exit status of a JVM ended by SIGTERM once its shutdown hooks ran: 128 + 15. */
    private static final int SIGTERM_EXIT = 143;
    /** Exit status of a process ended by SIGKILL: 128 + 9. */
    private static final int SIGKILL_EXIT = 137;
    private static final String[] STUBS = {
        "100.64.0.1=intranet.corp.internal", "100.64.0.2=ssh.corp.internal"};

    @TempDir
    Path dir;

    private NetworkNamespace namespace;
    private InProcessLab lab;
    private NamespacedAgent agent;

    @BeforeEach
    void start() throws Exception {
        RequiredTools.require(true, "ip", "nft", "iptables-restore", "iptables-save", "curl");
        namespace = NetworkNamespace.create();
        lab = new InProcessLab(dir, List.of()).withoutAgent(namespace.hostAddress());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
            if (lab != null) {
                lab.close();
            }
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
    }

    private NamespacedAgent startAgent() throws Exception {
        NamespacedAgent started = NamespacedAgent.start(namespace,
                lab.state.config("client-agent"), STUBS);
        started.awaitReady();
        return started;
    }

    private void startLab(String mode) throws Exception {
        lab.state.capture(mode, LISTEN_PORT);
        lab.start();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nft", "iptables"})
    void stubAddressReachesAppAndExitRemovesRules(String mode) throws Exception {
        startLab(mode);
        agent = startAgent();

        Commands.Result page = curlDemoPage();
        assertThat(page.exitCode()).as(page.output() + agent.output()).isZero();
        assertThat(page.output()).contains(DemoHttpServer.MARKER);
        assertThat(page.output()).contains("Host: intranet.corp.internal");

        long start = System.nanoTime();
        Commands.Result blocked = namespace.run(10, "curl", "-sS", "--max-time", "10",
                "--resolve", "ssh.corp.internal:22:100.64.0.2", "http://ssh.corp.internal:22/");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // The agent resets the connection the kernel accepted. Depending on when the reset
        // reaches curl, curl reports it while completing the connect (7), while sending its
        // request (55) or while reading the response (56).
        assertThat(blocked.exitCode()).as(blocked.output()).isIn(7, 55, 56);
        assertThat(millis).isLessThan(2_000);

        assertThat(ruleCount(mode)).as("rules while the agent runs").isEqualTo(1);
        assertThat(agent.terminate()).isEqualTo(SIGTERM_EXIT);
        assertThat(ruleCount(mode)).as("rules after SIGTERM; agent output:\n" + agent.output())
                .isZero();
        assertThat(agent.output()).contains("capture rules removed: firewall=" + mode);
    }

    /**
     * Resolves the app's name through the agent's own DNS server, as an unmodified application
     * does: {@code ip netns exec} gives processes in the namespace the resolv.conf under
     * /etc/netns/NAME, which points at the agent's DNS server on the namespace's loopback port
     * 53, and curl runs with no proxy option and no address override.
     */
    @Test
    void appNameResolvedByAgentDnsReachesApp() throws Exception {
        Path netnsEtc = Path.of("/etc/netns", namespace.name());
        Files.createDirectories(netnsEtc);
        Files.writeString(netnsEtc.resolve("resolv.conf"),
                "nameserver 127.0.0.1\noptions attempts:1 timeout:3\n");
        try {
            lab.state.dnsPort(53);
            startLab("nft");
            // Names no app covers would go to this port, where nothing answers, because the
            // namespace's resolv.conf names only the agent itself.
            Path agentConfig = lab.state.config("client-agent");
            Files.writeString(agentConfig, Files.readString(agentConfig).replace(
                    "  listen: 127.0.0.1:53\n",
                    "  listen: 127.0.0.1:53\n  upstreams: [127.0.0.1:5300]\n"));
            agent = NamespacedAgent.start(namespace, agentConfig);
            agent.awaitReady();
            int port = lab.ports.demoHttp();

            Commands.Result resolved = namespace.run(15, "getent", "ahostsv4",
                    "intranet.corp.internal");
            Commands.Result page = namespace.run(15, "curl", "-sS", "--max-time", "10",
                    "http://intranet.corp.internal:" + port + "/");

            assertThat(resolved.exitCode()).as(resolved.output() + agent.output()).isZero();
            assertThat(resolved.output()).startsWith("100.64.0.1 ");
            assertThat(page.exitCode()).as(page.output() + agent.output()).isZero();
            assertThat(page.output()).contains(DemoHttpServer.MARKER);
            assertThat(page.output()).contains("Host: intranet.corp.internal:" + port);
        } finally {
            Files.deleteIfExists(netnsEtc.resolve("resolv.conf"));
            Files.deleteIfExists(netnsEtc);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nft", "iptables"})
    void restartAfterKillReplacesLeftoverRules(String mode) throws Exception {
        startLab(mode);
        agent = startAgent();
        assertThat(agent.kill()).isEqualTo(SIGKILL_EXIT);
        assertThat(ruleCount(mode)).as("rules left by the killed agent").isEqualTo(1);
        if (mode.equals("iptables")) {
            assertThat(ruleLines()).as("DNAT rules left").isEqualTo(1);
        }

        agent = startAgent();

        assertThat(ruleCount(mode)).as("rules after the restart").isEqualTo(1);
        if (mode.equals("iptables")) {
            assertThat(ruleLines()).as("DNAT rules after the restart").isEqualTo(1);
        } else {
            String table = namespace.run(10, "nft", "list", "table", "inet", "ztna").output();
            assertThat(table.split("chain output", -1)).hasSize(2);
        }
        Commands.Result page = curlDemoPage();
        assertThat(page.exitCode()).as(page.output() + agent.output()).isZero();
        assertThat(page.output()).contains(DemoHttpServer.MARKER);
        assertThat(agent.terminate()).isEqualTo(SIGTERM_EXIT);
        assertThat(ruleCount(mode)).isZero();
    }

    private Commands.Result curlDemoPage() throws Exception {
        int port = lab.ports.demoHttp();
        return namespace.run(15, "curl", "-sS", "--max-time", "10", "--resolve",
                "intranet.corp.internal:" + port + ":100.64.0.1",
                "http://intranet.corp.internal:" + port + "/");
    }

    /**
     * Returns how many copies of the agent's rules the namespace has: nft tables named ztna,
     * or jumps from OUTPUT to the ZTNA chain.
     */
    private int ruleCount(String mode) throws Exception {
        if (mode.equals("nft")) {
            String tables = namespace.run(10, "nft", "list", "tables").output();
            return (int) tables.lines().filter(line -> line.equals("table inet ztna")).count();
        }
        String saved = namespace.run(10, "iptables-save", "-t", "nat").output();
        return (int) saved.lines().filter(line -> line.startsWith("-A OUTPUT ")
                && line.endsWith("-j ZTNA")).count();
    }

    /** Returns how many DNAT rules for the stub range the ZTNA chain has. */
    private int ruleLines() throws Exception {
        String saved = namespace.run(10, "iptables-save", "-t", "nat").output();
        return (int) saved.lines().filter(line -> line.startsWith("-A ZTNA -d 100.64.0.0/10"))
                .count();
    }
}
