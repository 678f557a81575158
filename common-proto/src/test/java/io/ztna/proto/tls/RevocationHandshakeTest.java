package io.ztna.proto.tls;

import static io.ztna.proto.tls.LoopbackTls.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.testing.ManualClock;
import io.ztna.proto.testing.TestPki;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Handshakes over loopback with a CRL configured, each run with the OPENSSL and JDK provider. */
@ExtendWith(LeakCheck.class)
class RevocationHandshakeTest {
    private static final String ALICE_ID =
            "spiffe://example.test/user/alice@example.com/device/laptop-1";

    private static EventLoopGroup group;

    @TempDir
    Path dir;

    private TestPki pki;
    private TlsConfig gateway;
    private TlsConfig alice;

    @BeforeAll
    static void startEventLoop() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopEventLoop() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @BeforeEach
    void createPki() {
        pki = TestPki.create(dir);
        gateway = pki.forRole(PeerRole.CLIENT_GATEWAY).withCrl(pki.signCrl());
        alice = pki.user("alice@example.com", "laptop-1");
    }

    private static void assumeAvailable(SslProvider provider) {
        if (provider == SslProvider.OPENSSL) {
            assumeTrue(OpenSsl.isAvailable(), "netty-tcnative is not available");
        }
    }

    private static SslContext userClient(TlsConfig user, SslProvider provider)
            throws SSLException {
        return TlsContexts.client(user, PeerRole.CLIENT_GATEWAY, provider);
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void revokedClientRejected(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        Revocation revocation = pki.revoke(alice, CRLReason.KEY_COMPROMISE);
        SslContext server = TlsContexts.server(gateway, Set.of(PeerRole.USER), provider);

        try (LoopbackTls tls = LoopbackTls.connect(group, server, userClient(alice, provider))) {
            Throwable failure = assertServerRejects(tls);

            assertThat(causeMessages(failure)).contains("certificate serial "
                    + Revocation.hexSerial(revocation.serial()) + " (" + ALICE_ID + ") was"
                    + " revoked at " + revocation.revokedAt() + " (key-compromise)");
            // In TLS 1.3 the client has finished its side of the handshake when the alert comes.
            Throwable clientFailure = tls.clientSide.failure.get(TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);
            assertThat(causeMessages(clientFailure)).contains(provider == SslProvider.OPENSSL
                    ? "SSLV3_ALERT_CERTIFICATE_REVOKED"
                    : "Received fatal alert: certificate_unknown");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void unrevokedClientConnects(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        TlsConfig bob = pki.user("bob@example.com", "desktop-2");
        pki.revoke(alice, CRLReason.KEY_COMPROMISE);
        SslContext server = TlsContexts.server(gateway, Set.of(PeerRole.USER), provider);

        try (LoopbackTls tls = LoopbackTls.connect(group, server, userClient(bob, provider))) {
            SpiffeId seenByServer = tls.serverSide().peerId.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

            assertThat(seenByServer).isEqualTo(SpiffeId.parse(
                    "spiffe://example.test/user/bob@example.com/device/desktop-2"));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void revocationAppliesWithoutRestart(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        ManualClock clock = new ManualClock(Instant.now());
        RevocationList list = RevocationList.load(gateway.crlFile(), gateway.caFile(), clock);
        SslContext server = TlsContexts.server(gateway, Set.of(PeerRole.USER), provider,
                Optional.of(list));
        try (LoopbackTls before = LoopbackTls.connect(group, server,
                userClient(alice, provider))) {
            assertThat(before.serverSide().peerId.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .isEqualTo(SpiffeId.parse(ALICE_ID));
        }

        Revocation revocation = pki.revoke(alice, CRLReason.KEY_COMPROMISE);
        clock.advance(RevocationList.CHECK_INTERVAL);

        try (LoopbackTls after = LoopbackTls.connect(group, server,
                userClient(alice, provider))) {
            Throwable failure = assertServerRejects(after);
            assertThat(causeMessages(failure)).contains(revocation.message(
                    TestPki.certificate(alice)));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void revokedServerRejectedByClient(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        Revocation revocation = pki.revoke(gateway, CRLReason.SUPERSEDED);
        SslContext server = TlsContexts.server(gateway, Set.of(PeerRole.USER), provider);
        TlsConfig aliceWithCrl = alice.withCrl(pki.crlFile());

        try (LoopbackTls tls = LoopbackTls.connect(group, server,
                userClient(aliceWithCrl, provider))) {
            Throwable failure = tls.clientSide.failure.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

            assertThat(failure).isInstanceOf(SSLException.class);
            assertThat(causeMessages(failure)).contains(revocation.message(
                    TestPki.certificate(gateway)));
            assertThatThrownBy(() -> tls.serverSide().peerId.get(TIMEOUT_SECONDS,
                    TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
    }

    /**
     * Asserts that the server failed the handshake and the client connection then closed, and
     * returns the server's failure.
     */
    private static Throwable assertServerRejects(LoopbackTls tls) throws Exception {
        HandshakeRecorder server = tls.serverSide();
        Throwable failure = server.failure.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(SSLException.class);
        assertThatThrownBy(() -> server.peerId.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        assertThat(tls.client.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .as("client channel closed").isTrue();
        return failure;
    }

    /** Returns the messages of the throwable and all its causes, one per line. */
    private static String causeMessages(Throwable throwable) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = throwable; t != null; t = t.getCause()) {
            messages.append(t).append('\n');
        }
        return messages.toString();
    }
}
