package io.ztna.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ztna.agent.ClientAgentConfig;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.HostAndPort;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code dns} section of the agent's config file. */
class DnsSectionTest {

    @TempDir
    Path dir;
    private Path configFile;
    private String header;

    @BeforeEach
    void writeCertificates() {
        TlsConfig tls = TestPki.create(dir).user("alice@example.com", "laptop-1");
        configFile = dir.resolve("agent.yaml");
        // Six lines, so that the dns section starts on line 7.
        header = "gateways: [127.0.0.1:8443]\n"
                + "tls:\n"
                + "  certificate: '" + tls.certificateChainFile() + "'\n"
                + "  privateKey: '" + tls.privateKeyFile() + "'\n"
                + "  ca: '" + tls.caFile() + "'\n"
                + "  trustDomain: " + TestPki.TRUST_DOMAIN + "\n";
    }

    private DnsSection load(String dns) throws IOException, ConfigException {
        Files.writeString(configFile, header + dns);
        return ClientAgentConfig.load(configFile).dns();
    }

    private String errorOf(String dns) throws IOException {
        Files.writeString(configFile, header + dns);
        Throwable thrown = catchThrowable(() -> ClientAgentConfig.load(configFile));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return thrown.getMessage();
    }

    @Test
    void fullSectionParsed() throws Exception {
        DnsSection dns = load("""
                dns:
                  listen: 127.0.0.1:5353
                  upstreams: [127.0.0.1:5300, '[::1]:53']
                  stubRange: 100.80.0.0/16
                  stubRange6: fd7a:ffff:ffff::/96
                  ttl: 10s
                  idleTimeout: 30m
                  stateFile: state/dns.json
                  upstreamTimeout: 500ms
                """);

        assertThat(dns.listen()).isEqualTo(new HostAndPort("127.0.0.1", 5353));
        assertThat(dns.upstreams()).containsExactly(new HostAndPort("127.0.0.1", 5300),
                new HostAndPort("::1", 53));
        assertThat(dns.stubRange().toString()).isEqualTo("100.80.0.0/16");
        assertThat(dns.stubRange6().toString()).isEqualTo("fd7a:ffff:ffff::/96");
        assertThat(dns.ttl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(dns.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(dns.stateFile()).isEqualTo(dir.resolve("state/dns.json"));
        assertThat(dns.upstreamTimeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void listenOnlyTakesDefaults() throws Exception {
        DnsSection dns = load("dns: {listen: 127.0.0.1:0}\n");

        assertThat(dns.upstreams()).isEqualTo(List.of());
        assertThat(dns.stubRange().toString()).isEqualTo("100.64.0.0/10");
        assertThat(dns.stubRange6()).isNull();
        assertThat(dns.ttl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(dns.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(dns.stateFile()).isEqualTo(dir.resolve("dns-mappings.json"));
        assertThat(dns.upstreamTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void absentSectionMeansNoServer() throws Exception {
        assertThat(load("")).isNull();
    }

    @Test
    void missingListenRejected() throws Exception {
        String message = errorOf("""
                dns:
                  ttl: 5s
                """);

        assertThat(message).isEqualTo(configFile + ":7:1: dns: missing required field 'listen'");
    }

    @Test
    void upstreamNameRejected() throws Exception {
        String message = errorOf("""
                dns:
                  listen: 127.0.0.1:5353
                  upstreams: [resolver.example:53]
                """);

        assertThat(message).isEqualTo(configFile + ":9:15: dns.upstreams[0]: invalid value "
                + "'resolver.example:53': expected an IP address and port like 127.0.0.1:53, "
                + "because the DNS server cannot resolve the names of its own resolvers");
    }

    @Test
    void emptyUpstreamsRejected() throws Exception {
        String message = errorOf("""
                dns:
                  listen: 127.0.0.1:5353
                  upstreams: []
                """);

        assertThat(message).isEqualTo(configFile + ":9:3: dns.upstreams: upstreams is empty: "
                + "expected at least one resolver like 127.0.0.1:53, or no upstreams field to "
                + "use /etc/resolv.conf");
    }

    @Test
    void invalidStubRangeRejected() throws Exception {
        String message = errorOf("""
                dns:
                  listen: 127.0.0.1:5353
                  stubRange: 100.64.0.1
                """);

        assertThat(message).isEqualTo(configFile + ":9:3: dns.stubRange: invalid value "
                + "'100.64.0.1': expected a CIDR block like 100.64.0.0/10 or "
                + "fd7a:ffff:ffff::/96");
    }

    @Test
    void ipv6StubRangeForIpv4Rejected() throws Exception {
        String message = errorOf("""
                dns:
                  listen: 127.0.0.1:5353
                  stubRange: fd7a:ffff:ffff::/96
                """);

        assertThat(message).isEqualTo(configFile + ":9:3: dns.stubRange: invalid value "
                + "'fd7a:ffff:ffff::/96': expected an IPv4 CIDR block from /8 to /30 like "
                + "100.64.0.0/10");
    }

    @Test
    void tooSmallStubRangeRejected() throws Exception {
        String message = errorOf("""
                dns:
                  listen: 127.0.0.1:5353
                  stubRange: 100.64.0.0/31
                """);

        assertThat(message).isEqualTo(configFile + ":9:3: dns.stubRange: invalid value "
                + "'100.64.0.0/31': expected an IPv4 CIDR block from /8 to /30 like "
                + "100.64.0.0/10");
    }

    @Test
    void ipv4StubRange6Rejected() throws Exception {
        String message = errorOf("""
                dns:
                  listen: 127.0.0.1:5353
                  stubRange6: 100.64.0.0/10
                """);

        assertThat(message).isEqualTo(configFile + ":9:3: dns.stubRange6: invalid value "
                + "'100.64.0.0/10': expected an IPv6 CIDR block from /64 to /126 like "
                + "fd7a:ffff:ffff::/96");
    }

    @Test
    void fractionalTtlRejected() throws Exception {
        String message = errorOf("""
                dns:
                  listen: 127.0.0.1:5353
                  ttl: 1500ms
                """);

        assertThat(message).isEqualTo(configFile + ":9:3: dns.ttl: invalid value '1500ms': "
                + "expected whole seconds from 0s to 1d, like 5s");
    }

    @Test
    void idleTimeoutNotAboveTtlRejected() throws Exception {
        String message = errorOf("""
                dns:
                  listen: 127.0.0.1:5353
                  ttl: 60s
                  idleTimeout: 1m
                """);

        assertThat(message).isEqualTo(configFile + ":10:3: dns.idleTimeout: invalid value "
                + "'60000ms': expected a duration longer than ttl (60s), like 10m, so that no "
                + "client still holds a stub answer when its mapping goes");
    }

    @Test
    void zeroUpstreamTimeoutRejected() throws Exception {
        String message = errorOf("""
                dns:
                  listen: 127.0.0.1:5353
                  upstreamTimeout: 0s
                """);

        assertThat(message).isEqualTo(configFile + ":9:3: dns.upstreamTimeout: invalid value "
                + "'0ms': expected a duration from 1ms to 30s, like 2s");
    }

    @Test
    void unknownFieldRejected() throws Exception {
        String message = errorOf("""
                dns:
                  listen: 127.0.0.1:5353
                  stubrange: 100.64.0.0/10
                """);

        assertThat(message).startsWith(configFile + ":9:3: dns.stubrange: unknown field "
                + "'stubrange': expected one of idleTimeout, listen, stateFile, stubRange, "
                + "stubRange6, ttl, upstreamTimeout, upstreams");
    }
}
