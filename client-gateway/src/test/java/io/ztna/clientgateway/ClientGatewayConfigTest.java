package io.ztna.clientgateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client gateway's config file, with a real certificate: its {@code stickiness}. */
class ClientGatewayConfigTest {

    @TempDir
    Path dir;
    private Path configFile;
    private String header;

    @BeforeEach
    void writeCertificates() {
        TlsConfig tls = TestPki.create(dir).workload(PeerRole.CLIENT_GATEWAY, "cg-1");
        configFile = dir.resolve("client-gateway.yaml");
        header = "listen: 127.0.0.1:0\n"
                + "publisherGateways: [127.0.0.1:9443]\n"
                + "policy: policy.yaml\n"
                + "tls:\n"
                + "  certificate: '" + tls.certificateChainFile() + "'\n"
                + "  privateKey: '" + tls.privateKeyFile() + "'\n"
                + "  ca: '" + tls.caFile() + "'\n"
                + "  trustDomain: " + TestPki.TRUST_DOMAIN + "\n";
    }

    private ClientGatewayConfig load(String more) throws Exception {
        Files.writeString(configFile, header + more);
        return ClientGatewayConfig.load(configFile);
    }

    @Test
    void stickinessDefaultsToTenMinutes() throws Exception {
        assertThat(load("").stickiness()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void stickinessParsed() throws Exception {
        assertThat(load("stickiness: 90s\n").stickiness()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void zeroStickinessAccepted() throws Exception {
        assertThat(load("stickiness: 0s\n").stickiness()).isEqualTo(Duration.ZERO);
    }
}
