package io.ztna.proto.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * The metrics of one daemon, in a registry of its own so that several daemons in one JVM (as
 * in tests) keep separate counts. Labels carry bounded sets only (roles, results, reasons,
 * record types); users, devices, flows and addresses never become labels. Thread-safe.
 */
public final class DataPlaneMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();

    /** Tunnel handshakes by peer role and result ({@code ok} or a failure reason). */
    public final Counter tunnelHandshakes = Counter.builder()
            .name("ztna_tunnel_handshakes")
            .help("TLS handshakes of tunnels by peer role and result")
            .labelNames("peer_role", "result")
            .register(registry);

    /** Flows this daemon started to open. */
    public final Counter flowsOpened = Counter.builder()
            .name("ztna_flows_opened")
            .help("Flows this daemon started to open")
            .register(registry);

    /** Flows relaying now. */
    public final Gauge flowsActive = Gauge.builder()
            .name("ztna_flows_active")
            .help("Flows relaying now")
            .register(registry);

    /** Flows ended, by open result and, for connected flows, by how they ended. */
    public final Counter flowsClosed = Counter.builder()
            .name("ztna_flows_closed")
            .help("Flows ended, by open result and end reason")
            .labelNames("result", "reason")
            .register(registry);

    /** Payload bytes relayed, by direction: {@code up} toward the app, {@code down} back. */
    public final Counter flowBytes = Counter.builder()
            .name("ztna_flow_bytes")
            .help("Payload bytes relayed by direction (up: toward the app)")
            .unit(Unit.BYTES)
            .labelNames("direction")
            .register(registry);

    /** Time from a flow's open request to its result, in seconds. */
    public final Histogram flowSetup = Histogram.builder()
            .name("ztna_flow_setup")
            .help("Time from a flow's open request to its result")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                    1, 2.5, 5, 10)
            .register(registry);

    /** Times a stream's send window reached zero with data waiting. */
    public final Counter windowsExhausted = Counter.builder()
            .name("ztna_stream_windows_exhausted")
            .help("Times a stream's send window reached zero with data waiting")
            .register(registry);

    /** Policy decisions by result ({@code allow} or {@code deny}). */
    public final Counter policyDecisions = Counter.builder()
            .name("ztna_policy_decisions")
            .help("Policy decisions for flows by result")
            .labelNames("result")
            .register(registry);

    /** Steering policies sent to agents. */
    public final Counter steeringPoliciesServed = Counter.builder()
            .name("ztna_srp_served")
            .help("Steering policies sent to agents")
            .register(registry);

    /** Version of the policy in force (milliseconds since the epoch at load). */
    public final Gauge policyVersion = Gauge.builder()
            .name("ztna_policy_version")
            .help("Version of the access policy in force")
            .register(registry);

    /** Publisher selections by reason (sticky, lowest-latency, least-loaded, ...). */
    public final Counter publisherSelections = Counter.builder()
            .name("ztna_publisher_selections")
            .help("Publisher selections by reason")
            .labelNames("reason")
            .register(registry);

    /** DNS queries by record type and outcome. */
    public final Counter dnsQueries = Counter.builder()
            .name("ztna_dns_queries")
            .help("DNS queries by record type and outcome")
            .labelNames("type", "outcome")
            .register(registry);

    /** Policy and config reloads by outcome ({@code applied} or {@code rejected}). */
    public final Counter reloads = Counter.builder()
            .name("ztna_reloads")
            .help("Reloads of policy or config files by outcome")
            .labelNames("outcome")
            .register(registry);

    /**
     * Registers a gauge of tunnels by peer role and state, read when scraped.
     *
     * @param callback reports {@code (count, peerRole, state)} for each pair
     */
    public void tunnels(Consumer<GaugeWithCallback.Callback> callback) {
        GaugeWithCallback.builder()
                .name("ztna_tunnels")
                .help("Tunnels by peer role and state")
                .labelNames("peer_role", "state")
                .callback(callback)
                .register(registry);
    }

    /**
     * Registers a gauge of keepalive round-trip times, read when scraped, labelled by the peer
     * role and the peer's id. Use it only for tunnels between servers, whose number is bounded
     * by the deployment, never for agent tunnels.
     *
     * @param callback reports {@code (seconds, peerRole, peer)} for each tunnel
     */
    public void tunnelRtt(Consumer<GaugeWithCallback.Callback> callback) {
        GaugeWithCallback.builder()
                .name("ztna_tunnel_rtt_seconds")
                .help("Keepalive round-trip time of each tunnel to another server")
                .labelNames("peer_role", "peer")
                .callback(callback)
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Returns the metrics in the Prometheus text format, version 0.0.4. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** Returns the content type of {@link #scrape()}. */
    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
