package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.clientgateway.ClientGateway;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.mux.Stream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import io.ztna.proto.testing.LeakCheck;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publisher selection across tiers: two publishers, each connected to two publisher gateways,
 * serve both apps. One user's flows to one app stay on one publisher, and many users' flows
 * spread over both.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublisherSelectionTest {

    private static final int USERS = 20;

    @TempDir
    static Path dir;

    static MultiGatewayLab lab;

    /**
     * Starts the lab with a latency tolerance far above any loopback round trip, so that load
     * alone decides between the two publishers: on a busy machine the keepalive round trips of
     * two loopback tunnels can differ by more than the default 2 ms.
     */
    @BeforeAll
    static void startLab() throws Exception {
        lab = new MultiGatewayLab(dir, USERS).writeConfigs();
        for (String gateway : List.of("client-gateway", "client-gateway-2")) {
            lab.edit(gateway, "policy: policy.yaml\n",
                    "policy: policy.yaml\nlatencyTolerance: 10s\n");
        }
        lab.startWith(MultiGatewayLab.PUBLISHER_CONFIGS);
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void sameUserAndAppStickToOnePublisher() throws Exception {
        try (FlowRecords records = FlowRecords.attach()) {
            for (int i = 0; i < 20; i++) {
                try (Socks5Client.Connection connection = Socks5Client.connect(
                        lab.socks(), "intranet.corp.internal", lab.ports.demoHttp())) {
                    assertThat(connection.reply()).as("flow %d", i).isEqualTo(0);
                    OutputStream out = connection.socket().getOutputStream();
                    out.write(("GET / HTTP/1.1\r\nHost: intranet.corp.internal\r\n"
                            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    String response = new String(connection.socket().getInputStream()
                            .readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(response).as("flow %d", i).startsWith("HTTP/1.1 200 OK");
                }
            }
            InProcessLab.await(() -> records.of(LabState.USER).size() == 20,
                    "20 flow records of " + LabState.USER);

            List<FlowRecords.Flow> flows = records.of(LabState.USER);
            Set<String> publishers = new HashSet<>();
            for (FlowRecords.Flow flow : flows) {
                assertThat(flow.app()).isEqualTo("intranet");
                assertThat(flow.result()).isEqualTo("CONNECTED");
                publishers.add(flow.publisher());
            }
            assertThat(publishers).hasSize(1);
            assertThat(MultiGatewayLab.PUBLISHERS).containsAll(publishers);
        }
    }

    @Test
    void manyUsersSpreadOverPublishers() throws Exception {
        ClientGateway gateway = lab.clientGateways.get(0);
        List<CraftedAgent> agents = new ArrayList<>();
        List<Stream> streams = new ArrayList<>();
        try (FlowRecords records = FlowRecords.attach()) {
            try {
                for (int i = 0; i < USERS; i++) {
                    CraftedAgent agent = new CraftedAgent(lab.state.dir(),
                            lab.ports.clientGateway(), MultiGatewayLab.user(i),
                            "device-" + i);
                    agents.add(agent);
                    assertThat(agent.tunnel()).as("tunnel of %s", MultiGatewayLab.user(i))
                            .isNotNull();
                    Stream stream = agent.tunnel().open(
                            FlowMetadata.tcp("host.lab.internal", lab.ports.demoEcho()))
                            .get(10, TimeUnit.SECONDS);
                    streams.add(stream);
                }

                int first = gateway.directory().inFlight("pub-1");
                int second = gateway.directory().inFlight("pub-2");
                assertThat(first + second).isEqualTo(USERS);
                // Each flow goes to the publisher with fewer flows, so the split is even while
                // publishers report no load of their own. NOTE: reported load that arrives in
                // the middle of the test can move a flow or two.
                assertThat(first).isBetween(7, 13);
                assertThat(second).isBetween(7, 13);
            } finally {
                for (Stream stream : streams) {
                    stream.reset(ErrorCode.CANCEL, "test finished");
                }
                for (CraftedAgent agent : agents) {
                    agent.close();
                }
            }
            InProcessLab.await(() -> countRecords(records) == USERS,
                    USERS + " flow records of the crafted agents");
            Set<String> publishers = new HashSet<>();
            for (int i = 0; i < USERS; i++) {
                publishers.add(records.of(MultiGatewayLab.user(i)).get(0).publisher());
            }
            assertThat(publishers).containsExactlyInAnyOrder("pub-1", "pub-2");
        }
    }

    private static int countRecords(FlowRecords records) {
        int count = 0;
        for (int i = 0; i < USERS; i++) {
            count += records.of(MultiGatewayLab.user(i)).size();
        }
        return count;
    }
}
