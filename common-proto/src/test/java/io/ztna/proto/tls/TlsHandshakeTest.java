package io.ztna.proto.tls;

import static io.ztna.proto.tls.LoopbackTls.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.ztna.proto.pki.LeafRequest;
import io.ztna.proto.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real TLS handshakes over loopback, each run with the OPENSSL and the JDK provider. */
class TlsHandshakeTest {
    private static EventLoopGroup group;

    @TempDir
    Path dir;

    private TestPki pki;

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
        pki = TestPki.create(dir.resolve("pki"));
    }

    private static void assumeAvailable(SslProvider provider) {
        if (provider == SslProvider.OPENSSL) {
            assumeTrue(OpenSsl.isAvailable(), "netty-tcnative is not available");
        }
    }

    private SslContext userGateway(SslProvider provider) throws SSLException {
        return TlsContexts.server(pki.forRole(PeerRole.CLIENT_GATEWAY), Set.of(PeerRole.USER),
                provider);
    }

    private SslContext userClient(SslProvider provider, TlsConfig config) throws SSLException {
        return TlsContexts.client(config, PeerRole.CLIENT_GATEWAY, provider);
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void acceptedRoleHandshakes(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        TlsConfig user = pki.forRole(PeerRole.USER);

        try (LoopbackTls tls = LoopbackTls.connect(group, userGateway(provider),
                userClient(provider, user))) {
            SpiffeId seenByServer = tls.serverSide().peerId.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            SpiffeId seenByClient = tls.clientSide.peerId.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

            assertThat(seenByServer).isEqualTo(SpiffeId.parse(
                    "spiffe://example.test/user/alice@example.com/device/laptop-1"));
            assertThat(seenByClient).isEqualTo(SpiffeId.parse(
                    "spiffe://example.test/client-gateway/client-gateway-1"));
            assertThat(tls.clientSide.applicationProtocol.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .isEqualTo(TlsContexts.ALPN_PROTOCOL);
            assertThat(tls.serverSide().applicationProtocol.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .isEqualTo(TlsContexts.ALPN_PROTOCOL);
            SslHandler server = tls.serverSide().completedHandler.get(TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);
            TlsHandlers.checkApplicationProtocol(server);
            assertThat(server.engine() instanceof OpenSslEngine)
                    .as("engine of provider %s", provider)
                    .isEqualTo(provider == SslProvider.OPENSSL);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void clientOfOtherCaRejected(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        TestPki otherPki = TestPki.create(Files.createDirectories(dir.resolve("other")));
        TlsConfig stranger = otherPki.forRole(PeerRole.USER);
        // The stranger trusts the real CA, so only the server's check can stop it.
        TlsConfig strangerTrustingServer = new TlsConfig(stranger.certificateChainFile(),
                stranger.privateKeyFile(), pki.caFile(), stranger.trustDomain());

        try (LoopbackTls tls = LoopbackTls.connect(group, userGateway(provider),
                userClient(provider, strangerTrustingServer))) {
            assertServerRejects(tls);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void clientOfWrongRoleRejected(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        TlsConfig publisher = pki.forRole(PeerRole.PUBLISHER);

        try (LoopbackTls tls = LoopbackTls.connect(group, userGateway(provider),
                TlsContexts.client(publisher, PeerRole.CLIENT_GATEWAY, provider))) {
            Throwable failure = assertServerRejects(tls);
            assertThat(causeMessages(failure))
                    .contains("spiffe://example.test/publisher/publisher-1")
                    .contains("rejected (expected role [user] in trust domain example.test)");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void clientOfOtherTrustDomainRejected(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        TestPki otherDomain = TestPki.create(Files.createDirectories(dir.resolve("other")),
                "other.test");
        TlsConfig stranger = otherDomain.forRole(PeerRole.USER);
        TlsConfig gateway = pki.forRole(PeerRole.CLIENT_GATEWAY);
        // The server trusts both CAs, so the chain validates and only the trust domain differs.
        Path bothCas = dir.resolve("both-cas.pem");
        Files.write(bothCas, Files.readAllBytes(pki.caFile()));
        Files.write(bothCas, Files.readAllBytes(otherDomain.caFile()), StandardOpenOption.APPEND);
        TlsConfig trustingBoth = new TlsConfig(gateway.certificateChainFile(),
                gateway.privateKeyFile(), bothCas, pki.trustDomain());
        // The stranger's own context would reject the server's trust domain, so build a plain one.
        SslContext strangerClient = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols("TLSv1.3")
                .keyManager(stranger.certificateChainFile().toFile(),
                        stranger.privateKeyFile().toFile())
                .trustManager(pki.caFile().toFile())
                .endpointIdentificationAlgorithm(null)
                .build();

        try (LoopbackTls tls = LoopbackTls.connect(group,
                TlsContexts.server(trustingBoth, Set.of(PeerRole.USER), provider),
                strangerClient)) {
            Throwable failure = assertServerRejects(tls);
            assertThat(causeMessages(failure)).contains("spiffe://other.test/user/");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void clientWithoutCertificateRejected(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        SslContext anonymous = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols("TLSv1.3")
                .trustManager(pki.caFile().toFile())
                .endpointIdentificationAlgorithm(null)
                .build();

        try (LoopbackTls tls = LoopbackTls.connect(group, userGateway(provider), anonymous)) {
            assertServerRejects(tls);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void clientWithoutAlpnFailsProtocolCheck(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        TlsConfig user = pki.forRole(PeerRole.USER);
        SslContext withoutAlpn = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols("TLSv1.3")
                .keyManager(user.certificateChainFile().toFile(), user.privateKeyFile().toFile())
                .trustManager(pki.caFile().toFile())
                .endpointIdentificationAlgorithm(null)
                .build();

        try (LoopbackTls tls = LoopbackTls.connect(group, userGateway(provider), withoutAlpn)) {
            SslHandler server = tls.serverSide().completedHandler.get(TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);

            assertThatThrownBy(() -> TlsHandlers.checkApplicationProtocol(server))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("expected ztna/1");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void serverOfWrongRoleRejectedByClient(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        SslContext publisherGateway = TlsContexts.server(
                pki.forRole(PeerRole.PUBLISHER_GATEWAY), Set.of(PeerRole.USER), provider);

        try (LoopbackTls tls = LoopbackTls.connect(group, publisherGateway,
                userClient(provider, pki.forRole(PeerRole.USER)))) {
            Throwable failure = tls.clientSide.failure.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

            assertThat(failure).isInstanceOf(SSLException.class);
            assertThat(causeMessages(failure))
                    .contains("spiffe://example.test/publisher-gateway/publisher-gateway-1");
            assertThatThrownBy(() -> tls.clientSide.peerId.get(TIMEOUT_SECONDS,
                    TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThatThrownBy(() -> tls.serverSide().peerId.get(TIMEOUT_SECONDS,
                    TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void expiredClientCertificateNamesBothTimes(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        Instant issuedAt = Instant.now().minus(Duration.ofDays(2));
        TlsConfig expired = pki.issue(
                pki.ca().withClock(Clock.fixed(issuedAt, ZoneOffset.UTC)),
                LeafRequest.builder(SpiffeId.user(pki.trustDomain(), "old@example.com", "pc"))
                        .validity(Duration.ofDays(1))
                        .build());

        try (LoopbackTls tls = LoopbackTls.connect(group, userGateway(provider),
                userClient(provider, expired))) {
            String messages = causeMessages(assertServerRejects(tls));

            assertThat(messages).contains("certificate has expired");
            assertThat(messages).contains("notAfter=" + issuedAt.plus(Duration.ofDays(1))
                    .toString().substring(0, 16));
            assertThat(messages).contains("localTime=");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL", "JDK"})
    void notYetValidClientCertificateNamesBothTimes(SslProvider provider) throws Exception {
        assumeAvailable(provider);
        Instant issuedAt = Instant.now().plus(Duration.ofHours(1));
        TlsConfig future = pki.issue(
                pki.ca().withClock(Clock.fixed(issuedAt, ZoneOffset.UTC)),
                LeafRequest.builder(SpiffeId.user(pki.trustDomain(), "new@example.com", "pc"))
                        .build());

        try (LoopbackTls tls = LoopbackTls.connect(group, userGateway(provider),
                userClient(provider, future))) {
            String messages = causeMessages(assertServerRejects(tls));

            assertThat(messages).contains("certificate is not yet valid");
            assertThat(messages).contains("notBefore=");
            assertThat(messages).contains("localTime=");
        }
    }

    @Test
    void serverRequiresAnAcceptedRole() {
        assertThatThrownBy(() -> TlsContexts.server(pki.forRole(PeerRole.CLIENT_GATEWAY),
                Set.of(), SslProvider.JDK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acceptedClientRoles");
    }

    @Test
    void contextRejectsCertificateOutsideTrustDomain() {
        TlsConfig gateway = pki.forRole(PeerRole.CLIENT_GATEWAY);
        TlsConfig mismatched = new TlsConfig(gateway.certificateChainFile(),
                gateway.privateKeyFile(), gateway.caFile(), "other.test");

        assertThatThrownBy(() -> TlsContexts.server(mismatched, Set.of(PeerRole.USER),
                SslProvider.JDK))
                .isInstanceOf(SSLException.class)
                .hasMessageContaining("outside the configured trust domain other.test");
    }

    @Test
    void contextNamesMissingCaFile() {
        TlsConfig gateway = pki.forRole(PeerRole.CLIENT_GATEWAY);
        Path missing = dir.resolve("missing-ca.pem");
        TlsConfig noCa = new TlsConfig(gateway.certificateChainFile(), gateway.privateKeyFile(),
                missing, gateway.trustDomain());

        assertThatThrownBy(() -> TlsContexts.client(noCa, PeerRole.CLIENT_GATEWAY,
                SslProvider.JDK))
                .isInstanceOf(SSLException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void providerPrefersOpensslWhenAvailable() {
        SslProvider expected = OpenSsl.isAvailable()
                && System.getProperty(TlsContexts.PROVIDER_PROPERTY, "").isEmpty()
                ? SslProvider.OPENSSL : SslProvider.JDK;

        assertThat(TlsContexts.provider()).isEqualTo(expected);
    }

    @Test
    void providerPropertyForcesJdk() {
        assertThat(TlsProviders.select("jdk")).isEqualTo(SslProvider.JDK);
        assertThat(TlsProviders.select(" JDK ")).isEqualTo(SslProvider.JDK);
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
