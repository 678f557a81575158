package io.ztna.agent.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.transport.Transports;
import io.ztna.proto.tunnel.Backoff;
import io.ztna.proto.tunnel.TunnelAcceptor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dialer against client gateway stand-ins on loopback that accept agent tunnels with
 * mutual TLS. A closed gateway is passed over, and GOAWAY or a lost tunnel moves the agent to
 * the other gateway. A gateway that comes up while all were down is found by the retries.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverDialerTest {

    private static final long WAIT_SECONDS = 5;

    @TempDir
    Path dir;
    private final EventLoopGroup group = Transports.newGroup(1);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final BlockingQueue<Tunnel> agentTunnels = new LinkedBlockingQueue<>();
    private TlsConfig agentTls;
    private TlsConfig gatewayTls;

    @BeforeEach
    void issueCertificates() {
        TestPki pki = TestPki.create(dir);
        agentTls = pki.user("alice@example.com", "laptop-1");
        gatewayTls = pki.workload(PeerRole.CLIENT_GATEWAY, "cg-1");
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A client gateway stand-in that records the server side of every tunnel. */
    private final class Gateway implements AutoCloseable {

        final BlockingQueue<Tunnel> tunnels = new LinkedBlockingQueue<>();
        private final TunnelAcceptor acceptor;

        Gateway(int port) throws Exception {
            acceptor = new TunnelAcceptor(group, new InetSocketAddress("127.0.0.1", port),
                    TlsContexts.server(gatewayTls, Set.of(PeerRole.USER)),
                    TunnelOptions.defaults(), (peer, channel) -> new TunnelListener() {
                        @Override
                        public void onReady(Tunnel tunnel) {
                            tunnels.add(tunnel);
                        }

                        @Override
                        public void onStreamOpened(Tunnel tunnel, Stream stream) {
                            stream.reject(OpenResult.DENIED_BY_POLICY, "stand-in");
                        }
                    }).bind();
            closeables.add(this);
        }

        InetSocketAddress address() {
            return acceptor.localAddress();
        }

        Tunnel nextTunnel() throws InterruptedException {
            Tunnel tunnel = tunnels.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(tunnel).as("agent tunnel at " + address()).isNotNull();
            return tunnel;
        }

        @Override
        public void close() {
            acceptor.close();
        }
    }

    private FailoverDialer dialer(List<InetSocketAddress> gateways) throws Exception {
        FailoverDialer dialer = new FailoverDialer(group, gateways,
                TlsContexts.client(agentTls, PeerRole.CLIENT_GATEWAY), TunnelOptions.defaults(),
                (peer, channel) -> new TunnelListener() {
                    @Override
                    public void onStreamOpened(Tunnel tunnel, Stream stream) {
                        stream.reject(OpenResult.DENIED_BY_POLICY, "agent");
                    }
                }, new Backoff(50, 200), Duration.ofMinutes(10), agentTunnels::add);
        closeables.add(dialer);
        dialer.start();
        return dialer;
    }

    private Tunnel nextAgentTunnel() throws InterruptedException {
        Tunnel tunnel = agentTunnels.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(tunnel).as("agent tunnel ready").isNotNull();
        return tunnel;
    }

    /** Returns a loopback port that was free a moment ago, and nothing listens on now. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void closedGatewayPassedOver() throws Exception {
        InetSocketAddress closed = new InetSocketAddress("127.0.0.1", closedPort());
        Gateway second = new Gateway(0);
        FailoverDialer dialer = dialer(List.of(closed, second.address()));

        Tunnel tunnel = nextAgentTunnel();
        second.nextTunnel();
        assertThat(dialer.current()).isSameAs(tunnel);
        assertThat(dialer.currentGateway()).isEqualTo(second.address());
        List<Map<String, Object>> status = dialer.status();
        assertThat(status.get(0).get("reachable")).isEqualTo(false);
        assertThat(status.get(0).get("rttMicros")).isNull();
        assertThat(status.get(0).get("current")).isEqualTo(false);
        assertThat(status.get(1).get("reachable")).isEqualTo(true);
        assertThat(status.get(1).get("rttMicros")).isNotNull();
        assertThat(status.get(1).get("current")).isEqualTo(true);
    }

    @Test
    void goAwayMovesToOtherGateway() throws Exception {
        Gateway first = new Gateway(0);
        Gateway second = new Gateway(0);
        FailoverDialer dialer = dialer(List.of(first.address(), second.address()));

        nextAgentTunnel();
        InetSocketAddress before = dialer.currentGateway();
        Gateway current = before.equals(first.address()) ? first : second;
        Gateway other = current == first ? second : first;
        current.nextTunnel().shutdownGracefully("client gateway is shutting down");

        Tunnel moved = nextAgentTunnel();
        other.nextTunnel();
        assertThat(dialer.currentGateway()).isEqualTo(other.address());
        assertThat(dialer.current()).isSameAs(moved);
    }

    @Test
    void lostTunnelMovesToOtherGateway() throws Exception {
        Gateway first = new Gateway(0);
        Gateway second = new Gateway(0);
        FailoverDialer dialer = dialer(List.of(first.address(), second.address()));

        nextAgentTunnel();
        Gateway current = dialer.currentGateway().equals(first.address()) ? first : second;
        Gateway other = current == first ? second : first;
        current.close();
        current.nextTunnel().channel().close();

        nextAgentTunnel();
        other.nextTunnel();
        assertThat(dialer.currentGateway()).isEqualTo(other.address());
    }

    @Test
    void gatewayStartedLaterFound() throws Exception {
        int port = closedPort();
        FailoverDialer dialer = dialer(List.of(new InetSocketAddress("127.0.0.1", port)));
        assertThat(dialer.current()).isNull();
        assertThat(dialer.currentGateway()).isNull();

        Gateway late = new Gateway(port);
        nextAgentTunnel();
        late.nextTunnel();
        assertThat(dialer.currentGateway()).isEqualTo(late.address());
    }
}
