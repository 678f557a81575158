package io.ztna.lab;

import io.netty.channel.EventLoopGroup;
import io.ztna.proto.config.TunnelSection;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ControlMessage;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.pki.CertificateAuthority;
import io.ztna.proto.pki.IssuedCertificate;
import io.ztna.proto.pki.LeafRequest;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.SpiffeId;
import io.ztna.proto.tls.TlsConfig;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.transport.Transports;
import io.ztna.proto.tunnel.Backoff;
import io.ztna.proto.tunnel.TunnelDialer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test agent that speaks the tunnel protocol to the lab's client gateway with a certificate
 * from the lab's CA, so that a test controls every control message and flow it sends: posture
 * it makes up, flows outside its steering policy, and answers to re-authentication (or none).
 * It does not reconnect after the gateway closes its tunnel.
 */
final class CraftedAgent implements AutoCloseable {

    private final EventLoopGroup group = Transports.newGroup(1);
    private final IssuedCertificate certificate;
    private final TunnelDialer dialer;
    final BlockingQueue<ControlMessage> controls = new LinkedBlockingQueue<>();
    final CompletableFuture<String> goAway = new CompletableFuture<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();

    /** Issues a certificate for {@code user} on {@code device} and connects with it. */
    CraftedAgent(InProcessLab lab, String user, String device) throws Exception {
        this(lab.state.dir(), lab.ports.clientGateway(), user, device);
    }

    /**
     * Issues a certificate for {@code user} on {@code device} from the CA in {@code stateDir}
     * and connects with it to the client gateway on 127.0.0.1:{@code clientGatewayPort}.
     */
    CraftedAgent(Path stateDir, int clientGatewayPort, String user, String device)
            throws Exception {
        Path certs = stateDir.resolve("certs");
        CertificateAuthority ca = CertificateAuthority.load(certs.resolve("ca.pem"),
                certs.resolve("ca-key.pem"));
        certificate = ca.issue(LeafRequest.builder(
                SpiffeId.user(LabState.TRUST_DOMAIN, user, device)).build());
        Path chain = stateDir.resolve(device + ".pem");
        Path key = stateDir.resolve(device + "-key.pem");
        certificate.write(chain, key);
        TlsConfig tls = new TlsConfig(chain, key, certs.resolve("ca.pem"),
                LabState.TRUST_DOMAIN);
        dialer = new TunnelDialer(group,
                new InetSocketAddress("127.0.0.1", clientGatewayPort),
                TlsContexts.client(tls, PeerRole.CLIENT_GATEWAY),
                TunnelSection.DEFAULTS.toOptions(), (peer, channel) -> new Listener(),
                new Backoff(60_000, 60_000), tunnel -> { });
        dialer.start();
        InProcessLab.await(() -> dialer.current() != null || closed.isDone(),
                "crafted agent tunnel up or closed");
    }

    Tunnel tunnel() {
        return dialer.current();
    }

    java.security.cert.X509Certificate certificate() {
        return certificate.certificate();
    }

    PrivateKey privateKey() {
        return certificate.privateKey();
    }

    /** Sends a control message on the tunnel. */
    void send(ControlMessage message) {
        dialer.current().sendControl(ControlCodec.encode(message));
    }

    /** Waits up to 10 s for the next control message of the given type, skipping others. */
    <T extends ControlMessage> T next(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            long left = deadline - System.nanoTime();
            ControlMessage message = controls.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (message == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within 10 s");
            }
            if (type.isInstance(message)) {
                return type.cast(message);
            }
        }
    }

    @Override
    public void close() {
        dialer.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Listener implements TunnelListener {

        @Override
        public void onStreamOpened(Tunnel tunnel, Stream stream) {
            stream.reject(OpenResult.DENIED_BY_POLICY, "crafted agents accept no flows");
        }

        @Override
        public void onControl(Tunnel tunnel, String json) {
            controls.add(ControlCodec.decode(json));
        }

        @Override
        public void onGoAway(Tunnel tunnel, ErrorCode code, String reason) {
            goAway.complete(code + ": " + reason);
        }

        @Override
        public void onClosed(Tunnel tunnel, String reason) {
            dialer.close();
            closed.complete(reason);
        }
    }
}
