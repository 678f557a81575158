package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.clientgateway.ClientGateway;
import io.ztna.lab.demo.DemoHttpServer;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.publishergateway.PublisherGateway;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * In the HA lab, the publisher gateway that carries the agent's flows closes. The client
 * gateways drop its publisher links on its GOAWAY, and new SOCKS flows reach the same
 * publisher through the other publisher gateway within 5 s of the close. Flows opened while
 * the gateway closes succeed too: before its GOAWAY arrives they finish on it, and after that
 * they are opened again through the other gateway.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublisherGatewayLossTest {

    private static final String PG_1 = "pg-1";
    private static final String PG_2 = "pg-2";

    @TempDir
    Path dir;

    MultiGatewayLab lab;

    @BeforeEach
    void startLab() throws Exception {
        lab = new MultiGatewayLab(dir, 0).start();
    }

    @AfterEach
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void flowsMoveToOtherPublisherGateway() throws Exception {
        ExecutorService closer = Executors.newSingleThreadExecutor();
        try (FlowRecords records = FlowRecords.attach()) {
            assertPageServed();
            InProcessLab.await(() -> records.of(LabState.USER).size() == 1,
                    "flow record of the first flow");
            FlowRecords.Flow first = records.of(LabState.USER).get(0);
            assertThat(first.result()).isEqualTo("CONNECTED");
            assertThat(first.publisherGateway()).isIn(PG_1, PG_2);
            int lostIndex = first.publisherGateway().equals(PG_1) ? 0 : 1;
            String remainingId = lostIndex == 0 ? PG_2 : PG_1;
            PublisherGateway lost = lab.publisherGateways.remove(lostIndex);

            long start = System.nanoTime();
            Future<?> closed = closer.submit(lost::close);
            int flows = 1;
            FlowRecords.Flow last = first;
            while (!last.publisherGateway().equals(remainingId) && flows < 100) {
                assertPageServed();
                flows++;
                int count = flows;
                InProcessLab.await(() -> records.of(LabState.USER).size() == count,
                        "flow record of flow " + count);
                last = records.of(LabState.USER).get(count - 1);
                assertThat(last.result()).isEqualTo("CONNECTED");
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(last.publisherGateway()).isEqualTo(remainingId);
            assertThat(millis).isLessThan(5_000);

            closed.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 5; i++) {
                assertPageServed();
            }
            int total = flows + 5;
            InProcessLab.await(() -> records.of(LabState.USER).size() == total,
                    "flow records of the 5 flows after the close");
            List<FlowRecords.Flow> after = records.of(LabState.USER).subList(flows, total);
            for (FlowRecords.Flow flow : after) {
                assertThat(flow.result()).isEqualTo("CONNECTED");
                assertThat(flow.publisherGateway()).isEqualTo(remainingId);
                assertThat(flow.publisher()).isEqualTo(first.publisher());
            }
            for (ClientGateway gateway : lab.clientGateways) {
                assertThat(MultiGatewayLab.usableLinks(gateway)).isEqualTo(2);
                assertThat(gateway.publisherGatewayTunnels()).hasSize(1);
            }
        } finally {
            closer.shutdownNow();
        }
    }

    private void assertPageServed() throws Exception {
        Socks5Client.HttpResult result = Socks5Client.get(lab.socks(), "intranet.corp.internal",
                lab.ports.demoHttp());
        assertThat(result.reply()).isEqualTo(0);
        assertThat(result.response()).startsWith("HTTP/1.1 200 OK");
        assertThat(result.response()).contains(DemoHttpServer.MARKER);
    }
}
