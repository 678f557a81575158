package io.ztna.proto.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslProvider;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.log.LogLimiter;
import io.ztna.proto.log.TunnelEvents;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.testing.ManualClock;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.transport.Transports;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the lines a {@link TunnelDialer} and its tunnels log for failed attempts and lost
 * tunnels, against a real acceptor on 127.0.0.1.
 */
@ExtendWith(LeakCheck.class)
class TunnelDialerLogTest {

    private static final String DIALER_LOG = TunnelDialer.class.getName();
    private static final long TIMEOUT_SECONDS = 10;
    private static final String REFUSED_LINE = "tunnel connect failed: address=127\\.0\\.0\\.1:%d "
            + "attempt=%d error=\"Connection refused[^\"]*\" retryInMillis=\\d+ "
            + "suppressed=%d";

    @TempDir
    Path dir;

    private EventLoopGroup group;
    private LoggedEvents logs;
    private LoggedEvents tunnelEvents;

    @BeforeEach
    void setUp() {
        group = Transports.newGroup(1);
        logs = new LoggedEvents("io.ztna.proto");
        tunnelEvents = new LoggedEvents(TunnelEvents.LOGGER);
    }

    @AfterEach
    void tearDown() {
        logs.close();
        tunnelEvents.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void connectFailuresRateLimited() throws Exception {
        int port = closedPort();
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        CountDownLatch done = new CountDownLatch(1);
        TestPki pki = TestPki.create(dir);
        TlsConfig publisher = pki.workload(PeerRole.PUBLISHER, "pub-1");
        int[] attempts = {0};
        TunnelDialer[] dialer = new TunnelDialer[1];
        dialer[0] = new TunnelDialer(group, new InetSocketAddress("127.0.0.1", port),
                TlsContexts.client(publisher, PeerRole.PUBLISHER_GATEWAY),
                TunnelOptions.defaults(), (peer, channel) -> new RejectingListener(),
                new Backoff(1, 4), tunnel -> { }, error -> {
                    attempts[0]++;
                    if (attempts[0] == 6) {
                        clock.advance(Duration.ofSeconds(61));
                    } else if (attempts[0] == 7) {
                        dialer[0].close();
                        done.countDown();
                    }
                });
        dialer[0].failureLog(new LogLimiter(1, Duration.ofMinutes(1), clock)).start();
        assertThat(done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

        List<String> warnings = logs.messages(DIALER_LOG, Level.WARN);
        assertThat(warnings).hasSize(5);
        assertThat(warnings.get(0)).matches(String.format(REFUSED_LINE, port, 1, 0));
        assertThat(warnings.get(1)).matches(String.format(REFUSED_LINE, port, 2, 0));
        assertThat(warnings.get(2)).matches(String.format(REFUSED_LINE, port, 3, 0));
        assertThat(warnings.get(3)).matches(String.format(REFUSED_LINE, port, 4, 0));
        assertThat(warnings.get(4)).matches(String.format(REFUSED_LINE, port, 7, 2));
        List<String> suppressedLines = logs.messages(DIALER_LOG, Level.DEBUG).stream()
                .filter(line -> line.startsWith("tunnel connect failed"))
                .toList();
        assertThat(suppressedLines).hasSize(2);
        assertThat(logs.warningsWithStackTrace()).isEmpty();
    }

    @Test
    void resetTunnelLoggedAsLost() throws Exception {
        TestPki pki = TestPki.create(dir);
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        TunnelAcceptor gateway = new TunnelAcceptor(group, new InetSocketAddress("127.0.0.1", 0),
                TlsContexts.server(pki.workload(PeerRole.PUBLISHER_GATEWAY, "pgw-1"),
                        EnumSet.of(PeerRole.PUBLISHER)),
                TunnelOptions.defaults(), (peer, channel) -> {
                    accepted.complete(channel);
                    return new RejectingListener();
                }).bind();
        InetSocketAddress address = gateway.localAddress();
        BlockingQueue<String> downs = new LinkedBlockingQueue<>();
        CompletableFuture<Tunnel> ready = new CompletableFuture<>();
        TunnelDialer dialer = new TunnelDialer(group, address,
                TlsContexts.client(pki.workload(PeerRole.PUBLISHER, "pub-1"),
                        PeerRole.PUBLISHER_GATEWAY),
                TunnelOptions.defaults(), (peer, channel) -> new RejectingListener(),
                new Backoff(1, 4), ready::complete, downs::add);
        try {
            dialer.start();
            ready.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            gateway.close();
            // A TCP reset without TLS close_notify, as from a gateway killed with unread data:
            // the unsafe close skips the pipeline and so the SslHandler.
            Channel gatewaySide = accepted.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            gatewaySide.config().setOption(ChannelOption.SO_LINGER, 0);
            gatewaySide.eventLoop().execute(
                    () -> gatewaySide.unsafe().close(gatewaySide.unsafe().voidPromise()));

            assertThat(downs.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .isEqualTo("tunnel lost: connection closed");
            assertThat(downs.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .contains("Connection refused");
        } finally {
            dialer.close();
        }

        List<String> events = tunnelEvents.messages(TunnelEvents.LOGGER, Level.INFO);
        assertThat(events).hasSize(2);
        assertThat(events.get(1)).startsWith("tunnel down: ")
                .endsWith(" reason=connection lost: Connection reset by peer");
        List<String> warnings = logs.messages(DIALER_LOG, Level.WARN);
        assertThat(warnings).isNotEmpty();
        assertThat(warnings.get(0)).matches(String.format(REFUSED_LINE, address.getPort(), 1, 0));
        assertThat(logs.warningsWithStackTrace()).isEmpty();
    }

    @Test
    void drainedTunnelLoggedWithGoAwayReason() throws Exception {
        TestPki pki = TestPki.create(dir);
        CompletableFuture<Tunnel> gatewaySide = new CompletableFuture<>();
        TunnelAcceptor gateway = new TunnelAcceptor(group, new InetSocketAddress("127.0.0.1", 0),
                TlsContexts.server(pki.workload(PeerRole.PUBLISHER_GATEWAY, "pgw-1"),
                        EnumSet.of(PeerRole.PUBLISHER)),
                TunnelOptions.defaults(), (peer, channel) -> new RejectingListener() {
                    @Override
                    public void onReady(Tunnel tunnel) {
                        gatewaySide.complete(tunnel);
                    }
                }).bind();
        BlockingQueue<String> downs = new LinkedBlockingQueue<>();
        TunnelDialer dialer = new TunnelDialer(group, gateway.localAddress(),
                TlsContexts.client(pki.workload(PeerRole.PUBLISHER, "pub-1"),
                        PeerRole.PUBLISHER_GATEWAY),
                TunnelOptions.defaults(), (peer, channel) -> new RejectingListener(),
                new Backoff(1_000, 1_000), tunnel -> { }, downs::add);
        try {
            dialer.start();
            gatewaySide.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).shutdownGracefully("shutting down");
            assertThat(downs.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .isEqualTo("tunnel lost: connection closed");
        } finally {
            dialer.close();
            gateway.close();
        }

        List<String> events = tunnelEvents.messages(TunnelEvents.LOGGER, Level.INFO);
        assertThat(events).hasSize(2);
        assertThat(events.get(1)).startsWith("tunnel down: ")
                .endsWith(" reason=peer sent GOAWAY NO_ERROR: shutting down");
    }

    @Test
    void rejectedCertificateLoggedInOneLine() throws Exception {
        TestPki gatewayCa = TestPki.create(dir.resolve("gateway-ca"));
        TestPki otherCa = TestPki.create(dir.resolve("other-ca"));
        TlsConfig stranger = otherCa.workload(PeerRole.PUBLISHER, "pub-9");
        // The stranger trusts the gateway, so only the gateway rejects the handshake.
        TlsConfig strangerTrustingGateway = new TlsConfig(stranger.certificateChainFile(),
                stranger.privateKeyFile(), gatewayCa.caFile(), TestPki.TRUST_DOMAIN);
        TunnelAcceptor gateway = new TunnelAcceptor(group, new InetSocketAddress("127.0.0.1", 0),
                TlsContexts.server(gatewayCa.workload(PeerRole.PUBLISHER_GATEWAY, "pgw-1"),
                        EnumSet.of(PeerRole.PUBLISHER)),
                TunnelOptions.defaults(), (peer, channel) -> new RejectingListener()).bind();
        InetSocketAddress address = gateway.localAddress();
        BlockingQueue<String> downs = new LinkedBlockingQueue<>();
        TunnelDialer dialer = new TunnelDialer(group, address,
                TlsContexts.client(strangerTrustingGateway, PeerRole.PUBLISHER_GATEWAY),
                TunnelOptions.defaults(), (peer, channel) -> new RejectingListener(),
                new Backoff(1, 4), tunnel -> { }, downs::add);
        List<String> errors;
        try {
            dialer.start();
            errors = List.of(downs.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    downs.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } finally {
            dialer.close();
            gateway.close();
        }

        String prefix = "TLS handshake failed: the peer sent alert ";
        String suffix = " (the gateway rejected this daemon's certificate or closed during the"
                + " handshake; see the gateway's log)";
        assertThat(errors.get(0))
                .matches(Pattern.quote(prefix) + "[a-z_]+" + Pattern.quote(suffix));
        if (TlsContexts.provider() == SslProvider.OPENSSL) {
            assertThat(errors.get(0)).isEqualTo(prefix + "internal_error" + suffix);
        }
        assertThat(errors.get(1)).isEqualTo(errors.get(0));
        List<String> warnings = logs.messages(DIALER_LOG, Level.WARN);
        assertThat(warnings).hasSizeGreaterThanOrEqualTo(2);
        assertThat(warnings.get(0)).matches("tunnel connect failed: address=127\\.0\\.0\\.1:"
                + address.getPort() + " attempt=1 error=\"\\Q" + errors.get(0)
                + "\\E\" retryInMillis=\\d+ suppressed=0");
        List<String> tunnelWarnings = logs.messages(Tunnel.class.getName(), Level.WARN);
        assertThat(tunnelWarnings).isEmpty();
        List<ILoggingEvent> stackTraces = logs.warningsWithStackTrace();
        assertThat(stackTraces).isEmpty();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A listener for tunnels that open no flows. */
    private static class RejectingListener implements TunnelListener {
        @Override
        public void onStreamOpened(Tunnel tunnel, Stream stream) {
            stream.reject(OpenResult.DENIED_BY_POLICY, "this test opens no flows");
        }
    }
}
