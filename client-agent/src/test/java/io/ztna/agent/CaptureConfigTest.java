package io.ztna.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ztna.agent.capture.CaptureSection;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.policy.HostPattern;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.TlsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent config's {@code httpProxy} field and {@code capture} section. */
class CaptureConfigTest {

    @TempDir
    Path dir;
    private Path configFile;
    private String header;

    @BeforeEach
    void writeCertificates() {
        TlsConfig tls = TestPki.create(dir).user("alice@example.com", "laptop-1");
        configFile = dir.resolve("agent.yaml");
        // Six lines, so that what a test adds starts on line 7.
        header = "gateways: [127.0.0.1:8443]\n"
                + "tls:\n"
                + "  certificate: '" + tls.certificateChainFile() + "'\n"
                + "  privateKey: '" + tls.privateKeyFile() + "'\n"
                + "  ca: '" + tls.caFile() + "'\n"
                + "  trustDomain: " + TestPki.TRUST_DOMAIN + "\n";
    }

    private ClientAgentConfig load(String text) throws IOException, ConfigException {
        Files.writeString(configFile, header + text);
        return ClientAgentConfig.load(configFile);
    }

    private String errorOf(String text) throws IOException {
        Files.writeString(configFile, header + text);
        Throwable thrown = catchThrowable(() -> ClientAgentConfig.load(configFile));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return thrown.getMessage();
    }

    @Test
    void httpProxyParsed() throws Exception {
        ClientAgentConfig config = load("httpProxy: 127.0.0.1:3128\n");

        assertThat(config.httpProxy()).isEqualTo(new InetSocketAddress("127.0.0.1", 3128));
    }

    @Test
    void absentHttpProxyIsNull() throws Exception {
        assertThat(load("").httpProxy()).isNull();
    }

    @Test
    void captureSectionParsed() throws Exception {
        ClientAgentConfig config = load("""
                capture:
                  mode: nft
                  listen: 127.0.0.1:15001
                  stubRanges: [100.64.0.0/10, "fd7a:115c::/48"]
                """);

        CaptureSection capture = config.capture();
        assertThat(capture.parsedMode()).isEqualTo(CaptureSection.Mode.NFT);
        assertThat(capture.listenAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 15001));
        assertThat(capture.stubNetworks()).containsExactly(HostPattern.parse("100.64.0.0/10"),
                HostPattern.parse("fd7a:115c::/48"));
    }

    @Test
    void absentCaptureSectionIsOff() throws Exception {
        CaptureSection capture = load("").capture();

        assertThat(capture).isEqualTo(CaptureSection.DEFAULTS);
        assertThat(capture.parsedMode()).isEqualTo(CaptureSection.Mode.OFF);
        assertThat(capture.listenAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 15001));
        assertThat(capture.stubNetworks()).containsExactly(HostPattern.parse("100.64.0.0/10"));
    }

    @Test
    void iptablesModeParsed() throws Exception {
        assertThat(load("capture: {mode: IPTABLES}\n").capture().parsedMode())
                .isEqualTo(CaptureSection.Mode.IPTABLES);
    }

    @Test
    void unknownModeRejected() throws Exception {
        String message = errorOf("""
                capture:
                  mode: tproxy
                """);

        assertThat(message).isEqualTo(configFile + ":8:3: capture.mode: invalid value 'tproxy': "
                + "expected off, nft or iptables");
    }

    @Test
    void listenNameRejected() throws Exception {
        String message = errorOf("""
                capture:
                  mode: nft
                  listen: localhost:15001
                """);

        assertThat(message).isEqualTo(configFile + ":9:3: capture.listen: invalid value "
                + "'localhost:15001': expected an IP address and port such as "
                + "127.0.0.1:15001, because the redirect rules name the address");
    }

    @Test
    void stubRangeNameRejected() throws Exception {
        String message = errorOf("""
                capture:
                  mode: nft
                  stubRanges: [100.64.0.0/10, corp.internal]
                """);

        assertThat(message).startsWith(configFile + ":9:");
        assertThat(message).endsWith("capture.stubRanges[1]: invalid value 'corp.internal': "
                + "expected a CIDR block such as 100.64.0.0/10, or a single address");
    }
}
