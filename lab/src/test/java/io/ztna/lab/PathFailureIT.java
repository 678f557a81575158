package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.ztna.agent.ClientAgent;
import io.ztna.agent.ClientAgentConfig;
import io.ztna.clientgateway.ClientGateway;
import io.ztna.clientgateway.ClientGatewayConfig;
import io.ztna.lab.demo.DemoHttpServer;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.transport.Transports;
import io.ztna.publishergateway.PublisherGateway;
import io.ztna.publishergateway.PublisherGatewayConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HA lab across links that can fail. Each publisher runs as its own process in a network
 * namespace of its own, a {@link PublisherHost} joined to the root namespace by a veth pair.
 * The publisher gateways, client gateways, agent and demo apps run in this JVM in the root
 * namespace: publisher gateway pg-1 and the app copy that pub-1 serves listen on the root end
 * of pub-1's link, pg-2 and pub-2's app copy on the root end of pub-2's. Each publisher reaches
 * the other link's publisher gateway through the root namespace, so both of its tunnels cross
 * its own link.
 *
 * <p>Every daemon pings every 500 ms and declares a tunnel dead after 2 s without a frame, so a
 * dead link is found within 2.5 s: the timeout plus up to one ping interval until the next
 * check. The tests allow 4 s for it on a loaded machine. Publishers retry after at most 1 s.
 *
 * <p>Needs root, ip, nft and curl. Without them the tests are skipped, unless the environment
 * variable {@code CI} is set, which makes them fail.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PathFailureIT {

    private static final long DETECTION_LIMIT_MILLIS = 4_000;
    private static final int PUBLISHER_ADMIN_PORT = 9104;

    @TempDir
    Path dir;

    private final List<PublisherHost> hosts = new ArrayList<>();
    private final List<PublisherProcess> publishers = new ArrayList<>();
    private final List<PublisherGateway> publisherGateways = new ArrayList<>();
    private final List<ClientGateway> clientGateways = new ArrayList<>();
    private final List<DemoHttpServer> apps = new ArrayList<>();
    private final EventLoopGroup appGroup = Transports.newGroup(1);
    private ClientAgent agent;
    private LabPorts ports;

    @BeforeEach
    void startLab() throws Exception {
        SystemCommand.require("root", "sh", "-c", "test \"$(id -u)\" -eq 0");
        SystemCommand.require("the ip tool", "ip", "-V");
        SystemCommand.require("the nft tool", "nft", "--version");
        SystemCommand.require("curl", "curl", "--version");

        String tag = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        int subnet = freeSubnetPair();
        hosts.add(new PublisherHost(tag, 1, subnet, subnet + 1).create());
        hosts.add(new PublisherHost(tag, 2, subnet + 1, subnet).create());

        ports = new LabPorts(FreePorts.next(), FreePorts.next(), FreePorts.next(), 0,
                FreePorts.next(), FreePorts.inLabRange(), FreePorts.next(), FreePorts.next());
        LabState state = new LabState(dir, ports, List.of(), false).threads(1).ha(true);
        state.write();
        writeLinkConfigs(state);

        for (PublisherHost host : hosts) {
            apps.add(new DemoHttpServer(new InetSocketAddress(host.rootAddress(),
                    ports.demoHttp())).start(appGroup));
        }
        for (String name : List.of("publisher-gateway", "publisher-gateway-2")) {
            publisherGateways.add(new PublisherGateway(
                    PublisherGatewayConfig.load(state.config(name))).start());
        }
        for (int i = 0; i < 2; i++) {
            publishers.add(PublisherProcess.start(hosts.get(i).namespace(),
                    state.config(MultiGatewayLab.PUBLISHER_CONFIGS.get(i)),
                    PUBLISHER_ADMIN_PORT));
        }
        for (String name : List.of("client-gateway", "client-gateway-2")) {
            clientGateways.add(new ClientGateway(
                    ClientGatewayConfig.load(state.config(name))).start());
        }
        agent = new ClientAgent(ClientAgentConfig.load(state.config("client-agent"))).start();
        InProcessLab.await(() -> agent.isReady()
                && MultiGatewayLab.usableLinks(clientGateways.get(0)) == 4
                && MultiGatewayLab.usableLinks(clientGateways.get(1)) == 4,
                "agent ready and both client gateways reaching both publishers through both "
                        + "publisher gateways", 90);
    }

    /**
     * Moves the publisher gateways and the app copies onto the links, shortens the keepalive
     * of every daemon and the publishers' reconnect delays.
     */
    private void writeLinkConfigs(LabState state) throws IOException {
        String pg1 = hosts.get(0).rootAddress() + ":" + ports.publisherGateway();
        String pg2 = hosts.get(1).rootAddress() + ":" + ports.publisherGateway2();
        for (String daemon : List.of("publisher-gateway", "publisher-gateway-2", "publisher",
                "publisher-2", "client-gateway", "client-gateway-2", "client-agent")) {
            LabConfigs.edit(state, daemon, "  pingInterval: 1s\n", "  pingInterval: 500ms\n");
            LabConfigs.edit(state, daemon, "  deadPeerTimeout: 3s\n",
                    "  deadPeerTimeout: 2s\n");
        }
        LabConfigs.edit(state, "publisher-gateway",
                "listen: 127.0.0.1:" + ports.publisherGateway() + "\n", "listen: " + pg1 + "\n");
        LabConfigs.edit(state, "publisher-gateway-2",
                "listen: 127.0.0.1:" + ports.publisherGateway2() + "\n",
                "listen: " + pg2 + "\n");
        for (String daemon : List.of("publisher", "publisher-2", "client-gateway",
                "client-gateway-2")) {
            LabConfigs.edit(state, daemon, "  - 127.0.0.1:" + ports.publisherGateway() + "\n",
                    "  - " + pg1 + "\n");
            LabConfigs.edit(state, daemon, "  - 127.0.0.1:" + ports.publisherGateway2() + "\n",
                    "  - " + pg2 + "\n");
        }
        for (int i = 0; i < 2; i++) {
            String daemon = MultiGatewayLab.PUBLISHER_CONFIGS.get(i);
            LabConfigs.edit(state, daemon, "  intranet.corp.internal: 127.0.0.1\n",
                    "  intranet.corp.internal: " + hosts.get(i).rootAddress() + "\n");
            LabConfigs.edit(state, daemon, "admin: 127.0.0.1:0\n",
                    "admin: 127.0.0.1:" + PUBLISHER_ADMIN_PORT + "\n");
            LabConfigs.append(state, daemon, "reconnect:\n"
                    + "  initialDelay: 100ms\n"
                    + "  maxDelay: 1s\n");
        }
    }

    /**
     * Returns the third octet of a free pair of /24s, 10.231.N.0/24 and 10.231.N+1.0/24, that no
     * address of the root namespace is in.
     */
    private static int freeSubnetPair() throws IOException, InterruptedException {
        String addresses = SystemCommand.check("ip", "-o", "-4", "addr", "show");
        for (int attempt = 0; attempt < 20; attempt++) {
            int subnet = 100 + 2 * ThreadLocalRandom.current().nextInt(50);
            if (!addresses.contains(" 10.231." + subnet + ".")
                    && !addresses.contains(" 10.231." + (subnet + 1) + ".")) {
                return subnet;
            }
        }
        throw new IllegalStateException("no free pair of /24s in 10.231.100.0-10.231.199.0");
    }

    @AfterEach
    void stopLab() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
            for (ClientGateway gateway : clientGateways) {
                gateway.close();
            }
            for (PublisherProcess publisher : publishers) {
                publisher.close();
            }
            for (PublisherGateway gateway : publisherGateways) {
                gateway.close();
            }
            for (DemoHttpServer app : apps) {
                app.close();
            }
            appGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        } finally {
            for (PublisherHost host : hosts) {
                host.close();
            }
        }
        for (PublisherProcess publisher : publishers) {
            assertThat(publisher.logText()).doesNotContain("LEAK:");
        }
    }

    @Test
    void linkCutMovesFlowsToOtherPublisher() throws Exception {
        try (FlowRecords records = FlowRecords.attach()) {
            int lost = servingPublisher(records);
            int other = 1 - lost;

            long cut = System.nanoTime();
            hosts.get(lost).linkDown();
            assertLossDetected(lost, cut);
            assertFlowsServedBy(records, other);

            hosts.get(lost).linkUp();
            assertReconnected(lost);
            assertFlowsServedBy(records, other);
        }
    }

    @Test
    void silentDropMovesFlowsToOtherPublisher() throws Exception {
        try (FlowRecords records = FlowRecords.attach()) {
            int lost = servingPublisher(records);
            int other = 1 - lost;

            long drop = System.nanoTime();
            hosts.get(lost).dropTraffic();
            assertLossDetected(lost, drop);
            assertFlowsServedBy(records, other);

            hosts.get(lost).allowTraffic();
            assertReconnected(lost);
            assertFlowsServedBy(records, other);
        }
    }

    /** Fetches the page once and returns the index of the publisher that served it. */
    private int servingPublisher(FlowRecords records) throws Exception {
        assertPageServed();
        InProcessLab.await(() -> records.of(LabState.USER).size() == 1,
                "flow record of the first flow");
        FlowRecords.Flow flow = records.of(LabState.USER).get(0);
        assertThat(flow.result()).isEqualTo("CONNECTED");
        assertThat(flow.publisher()).isIn(MultiGatewayLab.PUBLISHERS);
        return MultiGatewayLab.PUBLISHERS.indexOf(flow.publisher());
    }

    /**
     * Asserts that both publisher gateways and both client gateways drop publisher
     * {@code lost}, and that its own status shows both tunnels down, each within
     * {@link #DETECTION_LIMIT_MILLIS} of {@code startNanos}, while the other publisher stays.
     */
    private void assertLossDetected(int lost, long startNanos) throws Exception {
        String id = MultiGatewayLab.PUBLISHERS.get(lost);
        String other = MultiGatewayLab.PUBLISHERS.get(1 - lost);
        long gatewaysMillis = millisUntil(startNanos, () -> {
            for (PublisherGateway gateway : publisherGateways) {
                if (gateway.connectedPublishers().contains(id)) {
                    return false;
                }
            }
            for (ClientGateway gateway : clientGateways) {
                if (gateway.directory().connectedPublishers().contains(id)) {
                    return false;
                }
            }
            return true;
        }, id + " gone from every gateway");
        long publisherMillis = millisUntilTunnels(startNanos, lost, List.of("down", "down"));

        assertThat(gatewaysMillis).isLessThan(DETECTION_LIMIT_MILLIS);
        assertThat(publisherMillis).isLessThan(DETECTION_LIMIT_MILLIS);
        for (PublisherGateway gateway : publisherGateways) {
            assertThat(gateway.connectedPublishers()).containsExactly(other);
        }
        for (ClientGateway gateway : clientGateways) {
            assertThat(gateway.directory().connectedPublishers()).containsExactly(other);
            assertThat(MultiGatewayLab.usableLinks(gateway, other)).isEqualTo(2);
        }
    }

    /** Asserts that five new flows succeed, each served by publisher {@code expected}. */
    private void assertFlowsServedBy(FlowRecords records, int expected) throws Exception {
        int before = records.of(LabState.USER).size();
        for (int i = 0; i < 5; i++) {
            assertPageServed();
        }
        InProcessLab.await(() -> records.of(LabState.USER).size() == before + 5,
                "flow records of 5 more flows");
        for (FlowRecords.Flow flow : records.of(LabState.USER).subList(before, before + 5)) {
            assertThat(flow.result()).isEqualTo("CONNECTED");
            assertThat(flow.publisher()).isEqualTo(MultiGatewayLab.PUBLISHERS.get(expected));
        }
    }

    /** Waits up to 30 s until publisher {@code index} is back on both tunnels. */
    private void assertReconnected(int index) throws Exception {
        String id = MultiGatewayLab.PUBLISHERS.get(index);
        InProcessLab.await(() -> MultiGatewayLab.usableLinks(clientGateways.get(0), id) == 2
                && MultiGatewayLab.usableLinks(clientGateways.get(1), id) == 2,
                id + " reachable again through both publisher gateways", 30);
        millisUntilTunnels(System.nanoTime(), index, List.of("up", "up"));
        for (PublisherGateway gateway : publisherGateways) {
            assertThat(gateway.connectedPublishers())
                    .containsExactlyInAnyOrderElementsOf(MultiGatewayLab.PUBLISHERS);
        }
    }

    private void assertPageServed() throws Exception {
        Socks5Client.HttpResult result = Socks5Client.get(
                new InetSocketAddress("127.0.0.1", ports.socks()), "intranet.corp.internal",
                ports.demoHttp());
        assertThat(result.reply()).isEqualTo(0);
        assertThat(result.response()).startsWith("HTTP/1.1 200 OK");
        assertThat(result.response()).contains(DemoHttpServer.MARKER);
    }

    /**
     * Polls {@code condition} every 10 ms for up to 30 s and returns the milliseconds from
     * {@code startNanos} until it held.
     */
    private static long millisUntil(long startNanos, BooleanSupplier condition, String what)
            throws InterruptedException {
        InProcessLab.await(condition, what, 30);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Polls publisher {@code index}'s status for up to 30 s until its tunnel states equal
     * {@code expected}, and returns the milliseconds from {@code startNanos} until they did.
     */
    private long millisUntilTunnels(long startNanos, int index, List<String> expected)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> states = publishers.get(index).tunnelStates();
        while (!states.equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("publisher " + MultiGatewayLab.PUBLISHERS.get(index)
                        + " tunnel states " + states + " after 30 s (expected: " + expected
                        + ")");
            }
            Thread.sleep(10);
            states = publishers.get(index).tunnelStates();
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
