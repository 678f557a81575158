package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.transport.Transports;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may open a tunnel to the client gateway's agent port: only a user certificate from the
 * lab's CA. A rejected peer gets no tunnel (not a single frame), and the daemon stays up.
 */
class TunnelAdmissionTest {

    @TempDir
    static Path dir;

    static InProcessLab lab;
    static EventLoopGroup group;

    @BeforeAll
    static void startLab() throws Exception {
        lab = new InProcessLab(dir.resolve("lab"), List.of()).start();
        group = Transports.newGroup(1);
    }

    @AfterAll
    static void stopLab() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void agentFromAnotherCaRejected() throws Exception {
        TestPki other = TestPki.create(dir.resolve("other-ca"), LabState.TRUST_DOMAIN);
        TlsConfig stranger = other.user("mallory@example.com", "laptop-9");
        double failuresBefore = certificateFailures();
        assertThat(bytesAfterHandshake(stranger)).isEqualTo(0);
        awaitCertificateFailures(failuresBefore + 1);
        assertLabStillWorks();
    }

    @Test
    void publisherCertificateRejectedAtAgentPort() throws Exception {
        Path certs = lab.state.dir().resolve("certs");
        TlsConfig publisher = new TlsConfig(certs.resolve("publisher.pem"),
                certs.resolve("publisher-key.pem"), certs.resolve("ca.pem"), LabState.TRUST_DOMAIN);
        double failuresBefore = certificateFailures();
        assertThat(bytesAfterHandshake(publisher)).isEqualTo(0);
        awaitCertificateFailures(failuresBefore + 1);
        assertLabStillWorks();
    }

    @Test
    void labUserAdmitted() throws Exception {
        Path certs = lab.state.dir().resolve("certs");
        TlsConfig user = new TlsConfig(certs.resolve("client-agent.pem"),
                certs.resolve("client-agent-key.pem"), certs.resolve("ca.pem"),
                LabState.TRUST_DOMAIN);
        assertThat(bytesAfterHandshake(user)).isGreaterThan(0);
    }

    /**
     * Connects to the agent port with the given client certificate, trusting the lab's CA, and
     * returns how many bytes the gateway sent after the handshake before it closed the
     * connection (at most 3 s later). With TLS 1.3 the client's side of the handshake completes
     * before the server judges the client certificate, so a rejection shows as zero bytes.
     */
    private static long bytesAfterHandshake(TlsConfig client) throws Exception {
        SslContext ssl = SslContextBuilder.forClient()
                .sslProvider(TlsContexts.provider())
                .keyManager(client.certificateChainFile().toFile(),
                        client.privateKeyFile().toFile())
                .trustManager(lab.state.dir().resolve("certs").resolve("ca.pem").toFile())
                .protocols("TLSv1.3")
                .endpointIdentificationAlgorithm(null)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        TlsContexts.ALPN_PROTOCOL))
                .build();
        AtomicLong received = new AtomicLong();
        // Kept from initChannel, because a fast rejection can close the channel and empty its
        // pipeline before connect() returns.
        AtomicReference<SslHandler> sslHandler = new AtomicReference<>();
        Channel channel = new Bootstrap()
                .group(group)
                .channel(Transports.socketChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler handler = ssl.newHandler(ch.alloc(), "127.0.0.1",
                                lab.ports.clientGateway());
                        sslHandler.set(handler);
                        ch.pipeline().addLast(handler, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                received.addAndGet(((ByteBuf) msg).readableBytes());
                                ReferenceCountUtil.release(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
                                ctx.close();
                            }
                        });
                    }
                })
                .connect("127.0.0.1", lab.ports.clientGateway()).sync().channel();
        SslHandler handler = sslHandler.get();
        assertThat(handler.handshakeFuture().await(3, TimeUnit.SECONDS)).isTrue();
        assertThat(handler.handshakeFuture().isSuccess())
                .as("client side of the handshake: %s", handler.handshakeFuture().cause())
                .isTrue();
        channel.closeFuture().await(3, TimeUnit.SECONDS);
        channel.close().sync();
        return received.get();
    }

    /** Returns the client gateway's count of handshakes rejected for the certificate. */
    private static double certificateFailures() {
        double value = AdminClient.metrics(lab.clientGateway.adminAddress()).value(
                "ztna_tunnel_handshakes_total", "peer_role", "unknown", "result", "certificate");
        return Double.isNaN(value) ? 0 : value;
    }

    /** Waits until the count reaches {@code expected}, then checks that it did not pass it. */
    private static void awaitCertificateFailures(double expected) throws InterruptedException {
        InProcessLab.await(() -> certificateFailures() >= expected,
                "handshake failures counted: " + expected);
        assertThat(certificateFailures()).as("handshakes rejected for the certificate")
                .isEqualTo(expected);
    }

    private static void assertLabStillWorks() throws Exception {
        try (Socks5Client.Connection connection = Socks5Client.connect(
                lab.socks(), "intranet.corp.internal", lab.ports.demoHttp())) {
            assertThat(connection.reply()).isEqualTo(0);
        }
    }
}
