package io.ztna.clientgateway.agent;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.ztna.clientgateway.policy.PolicyStore;
import io.ztna.clientgateway.routing.SelectionReason;
import io.ztna.proto.metrics.DataPlaneMetrics;
import io.ztna.proto.metrics.DnsLabels;
import io.ztna.proto.metrics.FlowMeter;

/**
 * The counters the agent sessions of one client gateway update: flows, policy decisions on new
 * flows, steering policies sent, publisher selections and publisher DNS queries. Label
 * children of the per-flow counters are resolved once. Thread-safe.
 */
public final class ClientGatewayMetrics {

    private final DataPlaneMetrics metrics;
    private final FlowMeter flows;
    private final CounterDataPoint allowed;
    private final CounterDataPoint denied;
    private final CounterDataPoint[] selections =
            new CounterDataPoint[SelectionReason.values().length];

    public ClientGatewayMetrics(DataPlaneMetrics metrics) {
        this.metrics = metrics;
        this.flows = new FlowMeter(metrics);
        this.allowed = metrics.policyDecisions.labelValues("allow");
        this.denied = metrics.policyDecisions.labelValues("deny");
        for (SelectionReason reason : SelectionReason.values()) {
            selections[reason.ordinal()] =
                    metrics.publisherSelections.labelValues(reason.toString());
        }
        // Created at 0 so that ztna_reloads_total has samples before the first reload.
        metrics.reloads.labelValues(PolicyStore.RELOAD_APPLIED);
        metrics.reloads.labelValues(PolicyStore.RELOAD_REJECTED);
    }

    FlowMeter flows() {
        return flows;
    }

    /** Counts the policy decision on a new flow. */
    void decided(boolean allow) {
        (allow ? allowed : denied).inc();
    }

    void steeringPolicySent() {
        metrics.steeringPoliciesServed.inc();
    }

    void selected(SelectionReason reason) {
        selections[reason.ordinal()].inc();
    }

    /**
     * Counts a publisher DNS query an agent sent.
     *
     * @param outcome {@code invalid}, {@code denied}, {@code no_publisher}, or the response
     *     code's name from {@link DnsLabels#rcode} once the publisher's answer or the relay
     *     timeout returned
     */
    void dnsQuery(int qtype, String outcome) {
        metrics.dnsQueries.labelValues(DnsLabels.type(qtype), outcome).inc();
    }
}
