package io.ztna.clientgateway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.metrics.DataPlaneMetrics;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClientGatewayMetricsTest {

    @Test
    void reloadsVisibleBeforeFirstReload() {
        DataPlaneMetrics metrics = new DataPlaneMetrics();
        new ClientGatewayMetrics(metrics);

        String scrape = new String(metrics.scrape(), StandardCharsets.UTF_8);

        assertThat(scrape).contains("ztna_reloads_total{outcome=\"applied\"} 0.0\n");
        assertThat(scrape).contains("ztna_reloads_total{outcome=\"rejected\"} 0.0\n");
    }
}
