package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes the {@code /metrics} endpoint of every tier over HTTP after a known set of flows
 * through all four tiers, and checks each counter against what the flows did: three echo flows
 * of known sizes, one flow the client gateway's policy denies, and one the app refuses because
 * nothing listens on its port.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {

    /** Payload sizes of the echo flows, in bytes. The largest spans several stream windows. */
    private static final int[] ECHO_SIZES = {1, 70_000, 3 * 1024 * 1024};
    /** SOCKS5 reply 0x05: the app refused the connection. */
    private static final int REFUSED = 0x05;
    private static final String OPENED = "ztna_flows_opened_total";
    private static final String CLOSED = "ztna_flows_closed_total";
    private static final String BYTES = "ztna_flow_bytes_total";
    private static final String SETUP_COUNT = "ztna_flow_setup_seconds_count";
    private static final String ACTIVE = "ztna_flows_active";
    private static final String TUNNELS = "ztna_tunnels";
    private static final String HANDSHAKES = "ztna_tunnel_handshakes_total";
    private static final String RTT = "ztna_tunnel_rtt_seconds";

    @TempDir
    Path dir;

    private InProcessLab lab;
    private final int deniedForwardPort = FreePorts.next();

    @BeforeEach
    void start() throws Exception {
        lab = new InProcessLab(dir,
                List.of(new Forward(deniedForwardPort, "ssh.corp.internal", 22))).start();
    }

    @AfterEach
    void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void countersMatchFlows() throws Exception {
        long bytes = 0;
        for (int size : ECHO_SIZES) {
            echo(size);
            bytes += size;
        }
        deniedFlow();
        int closedPort = FreePorts.inLabRange();
        try (Socks5Client.Connection connection = Socks5Client.connect(
                lab.socks(), "host.lab.internal", closedPort)) {
            assertThat(connection.reply()).as("reply to a flow to a closed port")
                    .isEqualTo(REFUSED);
        }

        InetSocketAddress agent = lab.agent.adminAddress();
        InetSocketAddress clientGateway = lab.clientGateway.adminAddress();
        InetSocketAddress publisherGateway = lab.publisherGateway.adminAddress();
        InetSocketAddress publisher = lab.publisher.adminAddress();
        awaitClosed(agent, 5);
        awaitClosed(clientGateway, 5);
        awaitClosed(publisherGateway, 4);
        awaitClosed(publisher, 4);

        PrometheusSamples agentSamples = AdminClient.metrics(agent);
        assertFlows(agentSamples, "agent", 5, bytes);
        assertThat(agentSamples.value(CLOSED, "result", "denied_by_policy", "reason", "none"))
                .as("agent: flows denied by policy").isEqualTo(1);
        assertTunnel(agentSamples, "agent", "client-gateway", 1, 0);
        assertThat(agentSamples.nonZero(HANDSHAKES)).as("agent: handshakes")
                .containsExactly(Map.entry(
                        "ztna_tunnel_handshakes_total{peer_role=\"client-gateway\",result=\"ok\"}",
                        1.0));
        assertThat(agentSamples.nonZero(RTT)).as("agent: round-trip series").isEmpty();

        PrometheusSamples cgSamples = AdminClient.metrics(clientGateway);
        assertFlows(cgSamples, "client gateway", 5, bytes);
        assertThat(cgSamples.value(CLOSED, "result", "denied_by_policy", "reason", "none"))
                .as("client gateway: flows denied by policy").isEqualTo(1);
        assertThat(cgSamples.value("ztna_policy_decisions_total", "result", "allow"))
                .as("client gateway: allowed flows").isEqualTo(4);
        assertThat(cgSamples.value("ztna_policy_decisions_total", "result", "deny"))
                .as("client gateway: denied flows").isEqualTo(1);
        assertThat(cgSamples.value("ztna_publisher_selections_total", "reason",
                "only-candidate")).as("client gateway: selections of the only publisher")
                .isEqualTo(4);
        assertThat(cgSamples.sum("ztna_publisher_selections_total"))
                .as("client gateway: all selections").isEqualTo(4);
        assertThat(cgSamples.value("ztna_srp_served_total"))
                .as("client gateway: steering policies sent").isGreaterThanOrEqualTo(1);
        assertThat(cgSamples.value("ztna_policy_version"))
                .as("client gateway: policy version")
                .isEqualTo((double) lab.clientGateway.policies().current().version());
        assertTunnel(cgSamples, "client gateway", "publisher-gateway", 1, 0);
        assertThat(cgSamples.value(TUNNELS, "peer_role", "user", "state", "up"))
                .as("client gateway: agent tunnels up").isEqualTo(1);
        assertThat(cgSamples.value(HANDSHAKES, "peer_role", "user", "result", "ok"))
                .as("client gateway: agent handshakes").isEqualTo(1);
        assertThat(cgSamples.value(HANDSHAKES, "peer_role", "publisher-gateway", "result", "ok"))
                .as("client gateway: publisher-gateway handshakes").isEqualTo(1);
        assertThat(cgSamples.sum(HANDSHAKES)).as("client gateway: all handshakes").isEqualTo(2);
        assertRttSeries(clientGateway, "client gateway", "publisher-gateway");

        PrometheusSamples pgSamples = AdminClient.metrics(publisherGateway);
        assertFlows(pgSamples, "publisher gateway", 4, bytes);
        assertThat(pgSamples.value(TUNNELS, "peer_role", "publisher", "state", "up"))
                .as("publisher gateway: publisher tunnels up").isEqualTo(1);
        assertThat(pgSamples.value(TUNNELS, "peer_role", "client-gateway", "state", "up"))
                .as("publisher gateway: client-gateway tunnels up").isEqualTo(1);
        assertThat(pgSamples.value(HANDSHAKES, "peer_role", "publisher", "result", "ok"))
                .as("publisher gateway: publisher handshakes").isEqualTo(1);
        assertThat(pgSamples.value(HANDSHAKES, "peer_role", "client-gateway", "result", "ok"))
                .as("publisher gateway: client-gateway handshakes").isEqualTo(1);
        assertThat(pgSamples.sum(HANDSHAKES)).as("publisher gateway: all handshakes")
                .isEqualTo(2);
        assertRttSeries(publisherGateway, "publisher gateway", "publisher");
        assertRttSeries(publisherGateway, "publisher gateway", "client-gateway");

        PrometheusSamples publisherSamples = AdminClient.metrics(publisher);
        assertFlows(publisherSamples, "publisher", 4, bytes);
        assertTunnel(publisherSamples, "publisher", "publisher-gateway", 1, 0);
        assertThat(publisherSamples.nonZero(HANDSHAKES)).as("publisher: handshakes")
                .containsExactly(Map.entry("ztna_tunnel_handshakes_total"
                        + "{peer_role=\"publisher-gateway\",result=\"ok\"}", 1.0));
        assertRttSeries(publisher, "publisher", "publisher-gateway");
    }

    /**
     * Checks the flow counters every relaying tier has: {@code opened} opens, three echo flows
     * closed by FIN both ways with {@code bytes} each way, one refused by the app, and the
     * policy denial at the tiers that saw it.
     */
    private static void assertFlows(PrometheusSamples samples, String tier, int opened,
            long bytes) {
        assertThat(samples.value(OPENED)).as("%s: flows opened", tier).isEqualTo(opened);
        assertThat(samples.value(CLOSED, "result", "connected", "reason", "closed"))
                .as("%s: echo flows closed", tier).isEqualTo(ECHO_SIZES.length);
        assertThat(samples.value(CLOSED, "result", "app_refused", "reason", "none"))
                .as("%s: flows the app refused", tier).isEqualTo(1);
        assertThat(samples.sum(CLOSED)).as("%s: all flows closed %s", tier,
                samples.nonZero(CLOSED)).isEqualTo(opened);
        assertThat(samples.value(ACTIVE)).as("%s: flows active", tier).isEqualTo(0);
        assertThat(samples.value(BYTES, "direction", "up")).as("%s: bytes up", tier)
                .isEqualTo(bytes);
        assertThat(samples.value(BYTES, "direction", "down")).as("%s: bytes down", tier)
                .isEqualTo(bytes);
        assertThat(samples.value(SETUP_COUNT)).as("%s: flow setups observed", tier)
                .isEqualTo(opened);
    }

    private static void assertTunnel(PrometheusSamples samples, String tier, String peerRole,
            int up, int down) {
        assertThat(samples.value(TUNNELS, "peer_role", peerRole, "state", "up"))
                .as("%s: %s tunnels up", tier, peerRole).isEqualTo(up);
        assertThat(samples.value(TUNNELS, "peer_role", peerRole, "state", "draining"))
                .as("%s: %s tunnels draining", tier, peerRole).isEqualTo(0);
        assertThat(samples.value(TUNNELS, "peer_role", peerRole, "state", "down"))
                .as("%s: %s tunnels down", tier, peerRole).isEqualTo(down);
    }

    /** Waits for one round-trip series of {@code peerRole}, with a positive value. */
    private static void assertRttSeries(InetSocketAddress admin, String tier, String peerRole)
            throws InterruptedException {
        InProcessLab.await(() -> !AdminClient.metrics(admin).nonZero(RTT).isEmpty(),
                tier + " round-trip series");
        PrometheusSamples samples = AdminClient.metrics(admin);
        long series = samples.nonZero(RTT).keySet().stream()
                .filter(key -> key.contains("peer_role=\"" + peerRole + "\""))
                .count();
        assertThat(series).as("%s: round-trip series of %s tunnels in %s", tier, peerRole,
                samples.nonZero(RTT)).isEqualTo(1);
    }

    private static void awaitClosed(InetSocketAddress admin, int flows)
            throws InterruptedException {
        InProcessLab.await(() -> AdminClient.metrics(admin).sum(CLOSED) >= flows,
                flows + " flows closed at " + admin);
    }

    /** Sends {@code size} random bytes through the echo app and checks they came back. */
    private void echo(int size) throws Exception {
        byte[] payload = new byte[size];
        new Random(size).nextBytes(payload);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socks5Client.Connection connection = Socks5Client.connect(
                lab.socks(), "host.lab.internal", lab.ports.demoEcho())) {
            assertThat(connection.reply()).as("reply to echo flow of %d bytes", size)
                    .isEqualTo(0);
            Socket socket = connection.socket();
            Future<?> sent = writer.submit(() -> {
                OutputStream out = socket.getOutputStream();
                out.write(payload);
                out.flush();
                socket.shutdownOutput();
                return null;
            });
            InputStream in = socket.getInputStream();
            byte[] received = in.readNBytes(size);
            sent.get(30, TimeUnit.SECONDS);
            assertThat(received).as("echo of %d bytes", size).isEqualTo(payload);
            assertThat(in.read()).as("end of echo flow of %d bytes", size).isEqualTo(-1);
        } finally {
            writer.shutdownNow();
        }
    }

    /** Opens a flow through the agent's port forward to a destination the policy blocks. */
    private void deniedFlow() throws IOException {
        try (Socket socket = new Socket()) {
            // The agent resets the connection of a flow that failed to open. The reset can
            // arrive before connect returns, so both calls may raise it.
            try {
                socket.connect(new InetSocketAddress("127.0.0.1", deniedForwardPort), 5_000);
                socket.setSoTimeout(30_000);
                assertThat(socket.getInputStream().read()).as("denied flow's first read")
                        .isEqualTo(-1);
            } catch (SocketException e) {
                assertThat(e.getMessage()).as("denied flow's error").contains("reset");
            }
        }
    }
}
