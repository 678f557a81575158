package io.ztna.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.PostureMessage;
import io.ztna.proto.control.ReauthChallengeMessage;
import io.ztna.proto.control.ReauthResponseMessage;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.posture.CheckState;
import io.ztna.proto.posture.DevicePosture;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.ReauthProof;
import io.ztna.proto.tls.TlsConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent from its config file against a gateway stand-in on loopback, both with certificates
 * of one test CA: posture reports on tunnel up, on change and after a reconnect, and responses to
 * re-authentication challenges. Posture comes from the real host.
 */
@ExtendWith(LeakCheck.class)
class PostureReportingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String FLAG_CHECK = "flag-present";

    @TempDir
    Path dir;
    private TlsConfig agentTls;
    private GatewayStub gateway;
    private ClientAgent agent;

    @BeforeEach
    void start() throws Exception {
        TestPki pki = TestPki.create(dir);
        agentTls = pki.user("alice@example.com", "laptop-1");
        gateway = GatewayStub.start(pki.workload(PeerRole.CLIENT_GATEWAY, "cg-1"));
        Path config = Files.writeString(dir.resolve("agent.yaml"), "gateways: ["
                + "127.0.0.1:" + gateway.address().getPort() + "]\n"
                + "tls:\n"
                + "  certificate: '" + agentTls.certificateChainFile() + "'\n"
                + "  privateKey: '" + agentTls.privateKeyFile() + "'\n"
                + "  ca: '" + agentTls.caFile() + "'\n"
                + "  trustDomain: " + TestPki.TRUST_DOMAIN + "\n"
                + "threads: 1\n"
                + "reconnect:\n"
                + "  initialDelay: 50ms\n"
                + "  maxDelay: 200ms\n"
                + "posture:\n"
                + "  checkInterval: 100ms\n"
                + "  reportInterval: 5m\n"
                + "  checks:\n"
                + "    - name: " + FLAG_CHECK + "\n"
                + "      file: flag\n");
        agent = new ClientAgent(ClientAgentConfig.load(config)).start();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static String hostName() throws Exception {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    private PublicKey agentPublicKey() throws Exception {
        try (InputStream in = Files.newInputStream(agentTls.certificateChainFile())) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in).getPublicKey();
        }
    }

    private DevicePosture nextPosture() throws InterruptedException {
        return ((PostureMessage) gateway.next(PostureMessage.class, WAIT).message()).posture();
    }

    @Test
    void postureSentWhenTunnelReady() throws Exception {
        GatewayStub.Received first = gateway.next(PostureMessage.class, WAIT);

        DevicePosture posture = ((PostureMessage) first.message()).posture();
        assertThat(posture.hostName()).isEqualTo(hostName());
        assertThat(posture.agentVersion()).isEqualTo("0.1.0");
        assertThat(posture.screenLock()).isEqualTo(CheckState.UNKNOWN);
        assertThat(posture.checks()).isEqualTo(Map.of(FLAG_CHECK, CheckState.FAIL));
        assertThat(agent.status().get("posture")).isEqualTo(posture);
        assertThat(agent.status().get("lastReauth")).isNull();
    }

    @Test
    void challengeResponseSignedWithDeviceKey() throws Exception {
        Tunnel tunnel = gateway.next(PostureMessage.class, WAIT).tunnel();
        String nonce = ReauthProof.newNonce();
        long deadlineMillis = System.currentTimeMillis() + 30_000;

        tunnel.sendControl(ControlCodec.encode(new ReauthChallengeMessage(nonce, deadlineMillis)));

        ReauthResponseMessage response = (ReauthResponseMessage) gateway
                .next(ReauthResponseMessage.class, WAIT).message();
        PublicKey otherKey = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
        assertThat(response.nonce()).isEqualTo(nonce);
        assertThat(ReauthProof.verify(agentPublicKey(), nonce, response.signature())).isTrue();
        assertThat(ReauthProof.verify(otherKey, nonce, response.signature())).isFalse();
        assertThat(ReauthProof.verify(agentPublicKey(), ReauthProof.newNonce(),
                response.signature())).isFalse();
        assertThat(response.posture().hostName()).isEqualTo(hostName());
        assertThat(response.posture().check(FLAG_CHECK)).isEqualTo(CheckState.FAIL);
        assertThat(agent.status().get("lastReauth")).isNotNull();
        assertThat(agent.status().get("posture")).isEqualTo(response.posture());
    }

    @Test
    void fileCheckChangeReported() throws Exception {
        assertThat(nextPosture().check(FLAG_CHECK)).isEqualTo(CheckState.FAIL);

        Files.writeString(dir.resolve("flag"), "");

        DevicePosture changed = nextPosture();
        assertThat(changed.check(FLAG_CHECK)).isEqualTo(CheckState.PASS);
        assertThat(changed.hostName()).isEqualTo(hostName());
    }

    @Test
    void postureSentAgainAfterReconnect() throws Exception {
        GatewayStub.Received first = gateway.next(PostureMessage.class, WAIT);

        first.tunnel().close(ErrorCode.NO_ERROR, "test closes the tunnel");

        GatewayStub.Received second = gateway.next(PostureMessage.class, WAIT);
        assertThat(second.tunnel()).isNotSameAs(first.tunnel());
        assertThat(((PostureMessage) second.message()).posture().hostName())
                .isEqualTo(hostName());
    }
}
