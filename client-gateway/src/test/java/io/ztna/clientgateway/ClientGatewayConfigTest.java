package io.ztna.clientgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ztna.proto.config.ConfigException;
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
    void writeFiles() throws Exception {
        TlsConfig tls = TestPki.create(dir).workload(PeerRole.CLIENT_GATEWAY, "cg-1");
        configFile = dir.resolve("client-gateway.yaml");
        Files.writeString(dir.resolve("policy.yaml"), "");
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

    @Test
    void missingPolicyFileNamesOption() throws Exception {
        Files.writeString(configFile, header.replace("policy: policy.yaml", "policy: nosuch.yaml"));

        assertThat(errorOf()).isEqualTo(configFile + ": policy: file not found: "
                + dir.resolve("nosuch.yaml"));
    }

    @Test
    void nullPublisherGatewaysRejected() throws Exception {
        Files.writeString(configFile, header.replace("[127.0.0.1:9443]", "~"));

        assertThat(errorOf()).isEqualTo(configFile
                + ":2:1: publisherGateways: missing value: expected a list");
    }

    @Test
    void negativeThreadsRejected() throws Exception {
        Files.writeString(configFile, header + "threads: -4\n");

        assertThat(errorOf()).isEqualTo(configFile + ":9:1: threads: invalid value '-4': "
                + "expected 0 or more, where 0 means two event loop threads per core");
    }

    @Test
    void zeroOpenTimeoutRejected() throws Exception {
        Files.writeString(configFile, header + "tunnel:\n  openTimeout: 0s\n");

        assertThat(errorOf()).isEqualTo(configFile + ":10:3: tunnel.openTimeout: invalid value "
                + "'0s': expected a duration of more than 0, such as 500ms or 10s");
    }

    @Test
    void zeroReconnectDelayRejected() throws Exception {
        Files.writeString(configFile, header + "reconnect:\n  initialDelay: 0ms\n");

        assertThat(errorOf()).isEqualTo(configFile + ":10:3: reconnect.initialDelay: invalid "
                + "value '0s': expected a duration of more than 0, such as 500ms or 10s");
    }

    private String errorOf() {
        Throwable error = catchThrowable(() -> ClientGatewayConfig.load(configFile));
        assertThat(error).isInstanceOf(ConfigException.class);
        return error.getMessage();
    }
}
