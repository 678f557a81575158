package io.ztna.proto.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.relay.RelaySummary;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FlowMeterTest {

    private final DataPlaneMetrics metrics = new DataPlaneMetrics();
    private final FlowMeter meter = new FlowMeter(metrics);

    @Test
    void connectedFlowCountsEndAndBytes() {
        long start = meter.opening();
        meter.connected(start);
        assertThat(metrics.flowsActive.get()).as("active while relaying").isEqualTo(1);
        meter.up(100);
        meter.down(4_000);
        meter.up(20);
        assertThat(metrics.flowBytes.labelValues("down").get()).as("down while relaying")
                .isEqualTo(4_000);

        meter.finished(new RelaySummary(120, 4_000, "closed"));

        assertThat(metrics.flowsOpened.get()).isEqualTo(1);
        assertThat(metrics.flowsActive.get()).as("active after the end").isEqualTo(0);
        assertThat(metrics.flowsClosed.labelValues("connected", "closed").get()).isEqualTo(1);
        assertThat(metrics.flowBytes.labelValues("up").get()).isEqualTo(120);
        assertThat(metrics.flowBytes.labelValues("down").get()).isEqualTo(4_000);
        assertThat(scrape()).contains("ztna_flow_setup_seconds_count 1\n");
    }

    @Test
    void resetFlowCountsItsErrorCode() {
        meter.connected(meter.opening());
        meter.finished(new RelaySummary(1, 2, "APP_RESET: connection reset by peer"));
        meter.connected(meter.opening());
        meter.finished(new RelaySummary(0, 0, "something without a code"));

        assertThat(metrics.flowsClosed.labelValues("connected", "app_reset").get())
                .isEqualTo(1);
        assertThat(metrics.flowsClosed.labelValues("connected", "unknown").get())
                .isEqualTo(1);
    }

    @Test
    void failedAndCancelledOpensCountWithoutReason() {
        meter.failed(meter.opening(), OpenResult.DENIED_BY_POLICY);
        meter.cancelled(meter.opening());

        assertThat(metrics.flowsClosed.labelValues("denied_by_policy", "none").get())
                .isEqualTo(1);
        assertThat(metrics.flowsClosed.labelValues("cancelled", "none").get()).isEqualTo(1);
        assertThat(metrics.flowsActive.get()).isEqualTo(0);
        assertThat(scrape()).contains("ztna_flow_setup_seconds_count 2\n");
    }

    @Test
    void connectedIsNoFailedResult() {
        assertThatThrownBy(() -> meter.failed(meter.opening(), OpenResult.CONNECTED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CONNECTED");
    }

    @Test
    void resetCodeParsesRelayOutcomes() {
        assertThat(FlowMeter.resetCode("closed")).isNull();
        assertThat(FlowMeter.resetCode("POLICY_REVOKED: policy revoked: no rule"))
                .isEqualTo(ErrorCode.POLICY_REVOKED);
        assertThat(FlowMeter.resetCode("PEER_GONE")).isEqualTo(ErrorCode.PEER_GONE);
        assertThat(FlowMeter.resetCode("java.io.IOException: broken pipe"))
                .isEqualTo(ErrorCode.UNKNOWN);
    }

    private String scrape() {
        return new String(metrics.scrape(), StandardCharsets.UTF_8);
    }
}
