package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.lab.demo.DemoHttpServer;
import io.ztna.proto.testing.LeakCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app that one publisher cannot reach: flows move to the other publisher once the client
 * gateway's destination skipping sets the failing publisher aside.
 *
 * <p>Publishers do not probe app reachability yet, so pub-1's host map points the app name at
 * 127.0.0.2, where nothing listens on the app's port and every connect is refused. The lab
 * starts with pub-1 alone, so that the agent's first flow, and with it the sticky choice for
 * the user and app, lands on pub-1. Once pub-2 is up, the sticky choice keeps flows on pub-1
 * until its third consecutive refusal sets it aside for the destination. The next flow goes to
 * pub-2, whose choice then sticks.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnreachableAppTest {

    /** SOCKS5 reply 0x05: the app refused the connection. */
    private static final int REFUSED = 0x05;

    @TempDir
    Path dir;

    MultiGatewayLab lab;

    @AfterEach
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void flowsSkipPublisherThatIsRefused() throws Exception {
        lab = new MultiGatewayLab(dir, 0).writeConfigs();
        lab.edit("publisher", "  intranet.corp.internal: 127.0.0.1\n",
                "  intranet.corp.internal: 127.0.0.2\n");
        lab.startWith(List.of("publisher"));

        try (FlowRecords records = FlowRecords.attach()) {
            assertThat(fetch().reply()).as("flow 1").isEqualTo(REFUSED);
            lab.startPublisher("publisher-2", "pub-2");
            assertThat(fetch().reply()).as("flow 2").isEqualTo(REFUSED);
            assertThat(fetch().reply()).as("flow 3").isEqualTo(REFUSED);
            for (int i = 4; i <= 10; i++) {
                Socks5Client.HttpResult result = fetch();
                assertThat(result.reply()).as("flow %d", i).isEqualTo(0);
                assertThat(result.response()).as("flow %d", i).startsWith("HTTP/1.1 200 OK");
                assertThat(result.response()).as("flow %d", i).contains(DemoHttpServer.MARKER);
            }

            InProcessLab.await(() -> records.of(LabState.USER).size() == 10,
                    "10 flow records of " + LabState.USER);
            List<FlowRecords.Flow> flows = records.of(LabState.USER);
            for (int i = 0; i < 3; i++) {
                assertThat(flows.get(i).publisher()).as("flow %d", i + 1).isEqualTo("pub-1");
                assertThat(flows.get(i).result()).as("flow %d", i + 1).isEqualTo("APP_REFUSED");
            }
            for (int i = 3; i < 10; i++) {
                assertThat(flows.get(i).publisher()).as("flow %d", i + 1).isEqualTo("pub-2");
                assertThat(flows.get(i).result()).as("flow %d", i + 1).isEqualTo("CONNECTED");
            }
        }
    }

    /**
     * With reachability probes on, a publisher that cannot reach the app reports it down, and
     * the client gateway sends every flow to the other publisher: none is refused first.
     */
    @Test
    void flowsAvoidPublisherReportingAppDown() throws Exception {
        lab = new MultiGatewayLab(dir, 0).writeConfigs();
        String probe = "reachability:\n"
                + "  interval: 200ms\n"
                + "  timeout: 150ms\n"
                + "  apps:\n"
                + "    - name: intranet\n"
                + "      targets: [intranet.corp.internal:" + lab.ports.demoHttp() + "]\n";
        lab.edit("publisher", "  intranet.corp.internal: 127.0.0.1\n",
                "  intranet.corp.internal: 127.0.0.2\n");
        append(lab.state.config("publisher"), probe);
        append(lab.state.config("publisher-2"), probe);
        lab.startWith(List.of("publisher", "publisher-2"));
        InProcessLab.await(() -> lab.clientGateways.stream().allMatch(gateway ->
                gateway.directory().links(List.of("pub-1")).stream()
                        .noneMatch(link -> link.usableFor("intranet"))),
                "both client gateways learn that pub-1 cannot reach intranet");

        try (FlowRecords records = FlowRecords.attach()) {
            for (int i = 1; i <= 10; i++) {
                Socks5Client.HttpResult result = fetch();
                assertThat(result.reply()).as("flow %d", i).isEqualTo(0);
                assertThat(result.response()).as("flow %d", i).contains(DemoHttpServer.MARKER);
            }

            InProcessLab.await(() -> records.of(LabState.USER).size() == 10,
                    "10 flow records of " + LabState.USER);
            assertThat(records.of(LabState.USER)).extracting(FlowRecords.Flow::publisher)
                    .containsOnly("pub-2");
        }
    }

    private static void append(Path config, String text) throws IOException {
        Files.writeString(config, Files.readString(config) + text);
    }

    private Socks5Client.HttpResult fetch() throws Exception {
        return Socks5Client.get(lab.socks(), "intranet.corp.internal", lab.ports.demoHttp());
    }
}
