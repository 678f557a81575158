package io.ztna.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.HostAndPort;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherConfigTest {

    private static final List<InetSocketAddress> THREE_GATEWAYS = List.of(
            new InetSocketAddress("127.0.0.1", 4001), new InetSocketAddress("127.0.0.1", 4002),
            new InetSocketAddress("127.0.0.1", 4003));

    @TempDir
    Path dir;

    private TlsConfig tls;

    @BeforeEach
    void issueCertificate() {
        tls = TestPki.create(dir).workload(PeerRole.PUBLISHER, "pub-1");
    }

    @Test
    void defaultsKeepTwoGatewaysAndProbeNothing() throws Exception {
        PublisherConfig config = PublisherConfig.load(
                PublisherFiles.write(dir, tls, THREE_GATEWAYS, ""));

        assertThat(config.gatewayCount()).isEqualTo(2);
        assertThat(config.gatewayReevaluation()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.reachability().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.reachability().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.reachability().apps()).isEmpty();
    }

    @Test
    void defaultCountCappedAtGatewaysListed() throws Exception {
        PublisherConfig config = PublisherConfig.load(
                PublisherFiles.write(dir, tls, THREE_GATEWAYS.subList(0, 1), ""));

        assertThat(config.gatewayCount()).isEqualTo(1);
    }

    @Test
    void gatewaySettingsRead() throws Exception {
        PublisherConfig config = PublisherConfig.load(PublisherFiles.write(dir, tls,
                THREE_GATEWAYS, "gatewayCount: 3\ngatewayReevaluation: 2m\n"));

        assertThat(config.gatewayCount()).isEqualTo(3);
        assertThat(config.gatewayReevaluation()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void reachabilitySectionRead() throws Exception {
        PublisherConfig config = PublisherConfig.load(PublisherFiles.write(dir, tls,
                THREE_GATEWAYS, "reachability:\n"
                        + "  interval: 10s\n"
                        + "  timeout: 500ms\n"
                        + "  apps:\n"
                        + "    - name: intranet\n"
                        + "      targets: [intranet.corp.internal:18080, 10.0.0.5:443]\n"));

        ReachabilitySection reachability = config.reachability();
        assertThat(reachability.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(reachability.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(reachability.apps()).hasSize(1);
        assertThat(reachability.apps().get(0).name()).isEqualTo("intranet");
        assertThat(reachability.apps().get(0).targets()).containsExactly(
                new HostAndPort("intranet.corp.internal", 18080),
                new HostAndPort("10.0.0.5", 443));
    }

    @Test
    void countAboveGatewaysListedRejected() throws Exception {
        String message = errorOf("gatewayCount: 4\n");

        assertThat(message).contains("gatewayCount: 4");
        assertThat(message).contains("expected: 1 to the number of gateways listed, 3");
    }

    @Test
    void duplicateGatewayRejected() throws Exception {
        Path file = PublisherFiles.write(dir, tls,
                List.of(THREE_GATEWAYS.get(0), THREE_GATEWAYS.get(0)), "");
        Throwable error = catchThrowable(() -> PublisherConfig.load(file));

        assertThat(error).isInstanceOf(ConfigException.class);
        assertThat(error.getMessage()).contains("lists a gateway twice");
    }

    @Test
    void countZeroRejected() throws Exception {
        assertThat(errorOf("gatewayCount: 0\n")).contains("gatewayCount: 0");
    }

    @Test
    void shortReevaluationRejected() throws Exception {
        assertThat(errorOf("gatewayReevaluation: 500ms\n"))
                .contains("gatewayReevaluation: 500ms is too short (expected: at least 1s");
    }

    @Test
    void timeoutAboveIntervalRejected() throws Exception {
        String message = errorOf("reachability:\n  interval: 1s\n  timeout: 2s\n");

        assertThat(message).contains("timeout: 2000ms");
        assertThat(message).contains("at most the interval of 1000ms");
    }

    @Test
    void appWithoutTargetsRejected() throws Exception {
        String message = errorOf(
                "reachability:\n  apps:\n    - name: intranet\n      targets: []\n");

        assertThat(message).contains("targets: empty");
    }

    @Test
    void duplicateAppRejected() throws Exception {
        String message = errorOf("reachability:\n  apps:\n"
                + "    - name: intranet\n      targets: [intranet.corp.internal:80]\n"
                + "    - name: intranet\n      targets: [intranet.corp.internal:443]\n");

        assertThat(message).contains("name 'intranet' appears twice");
    }

    @Test
    void nullGatewaysRejected() throws Exception {
        Path file = edited("gateways:\n  - 127.0.0.1:4001\n  - 127.0.0.1:4002\n"
                + "  - 127.0.0.1:4003\n", "gateways: ~\n");

        assertThat(errorOfFile(file)).isEqualTo(file + ":1:1: gateways: missing value: "
                + "expected a list");
    }

    @Test
    void nullScopeRejected() throws Exception {
        Path file = edited("scope:\n  - hosts: [\"*.corp.internal\", 127.0.0.1]\n"
                + "    protocols: [tcp:1-65535]\n", "scope:\n");

        assertThat(errorOfFile(file)).isEqualTo(file + ":13:1: scope: missing value: "
                + "expected a list");
    }

    @Test
    void negativeThreadsRejected() throws Exception {
        Path file = edited("threads: 2\n", "threads: -4\n");

        assertThat(errorOfFile(file)).isEqualTo(file + ":19:1: threads: invalid value '-4': "
                + "expected 0 or more, where 0 means two event loop threads per core");
    }

    @Test
    void zeroConnectTimeoutRejected() throws Exception {
        Path file = PublisherFiles.write(dir, tls, THREE_GATEWAYS, "connectTimeout: 0s\n");

        assertThat(errorOfFile(file)).isEqualTo(file + ":20:1: connectTimeout: invalid value "
                + "'0s': expected a duration of more than 0, such as 500ms or 10s");
    }

    @Test
    void unknownTunnelFieldReportedFirst() throws Exception {
        Path file = edited("  pingInterval: 1s\n", "  pingIntervall: 1s\n");

        assertThat(errorOfFile(file)).isEqualTo(file + ":11:3: tunnel.pingIntervall: "
                + "unknown field 'pingIntervall': expected one of deadPeerTimeout, "
                + "drainTimeout, openTimeout, pingInterval");
    }

    @Test
    void deadPeerBelowPingIntervalRejected() throws Exception {
        Path file = edited("  pingInterval: 1s\n", "");

        assertThat(errorOfFile(file)).isEqualTo(file + ":11:3: tunnel.deadPeerTimeout: "
                + "invalid value '3s': expected at least pingInterval (10s)");
    }

    /** Writes the standard file with {@code from} replaced by {@code to}. */
    private Path edited(String from, String to) throws Exception {
        Path file = PublisherFiles.write(dir, tls, THREE_GATEWAYS, "");
        String text = Files.readString(file);
        assertThat(text).contains(from);
        return Files.writeString(file, text.replace(from, to));
    }

    private String errorOfFile(Path file) {
        Throwable error = catchThrowable(() -> PublisherConfig.load(file));
        assertThat(error).isInstanceOf(ConfigException.class);
        return error.getMessage();
    }

    private String errorOf(String extra) throws Exception {
        Path file = PublisherFiles.write(dir, tls, THREE_GATEWAYS, extra);
        Throwable error = catchThrowable(() -> PublisherConfig.load(file));
        assertThat(error).isInstanceOf(ConfigException.class);
        return error.getMessage();
    }
}
