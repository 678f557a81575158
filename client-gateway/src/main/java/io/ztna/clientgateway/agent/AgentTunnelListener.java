package io.ztna.clientgateway.agent;

import io.ztna.clientgateway.policy.AccessDecision;
import io.ztna.clientgateway.policy.AccessPolicy;
import io.ztna.clientgateway.routing.PublisherDirectory;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.relay.RelaySummary;
import io.ztna.proto.relay.StreamBridge;
import io.ztna.proto.tls.SpiffeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events of one agent's tunnel. The user and device come from the agent's certificate, never
 * from the flow metadata the agent sends. Each flow is decided by policy here, whatever the
 * agent's steering policy contains, then routed to a publisher and joined to the stream opened on
 * that publisher's gateway once the publisher has connected to the app.
 */
public final class AgentTunnelListener implements TunnelListener {

    private static final Logger log = LoggerFactory.getLogger(AgentTunnelListener.class);
    private static final Logger flowLog = LoggerFactory.getLogger("io.ztna.flow");

    private final String gatewayId;
    private final SpiffeId agent;
    private final AccessPolicy policy;
    private final PublisherDirectory directory;

    public AgentTunnelListener(String gatewayId, SpiffeId agent, AccessPolicy policy,
            PublisherDirectory directory) {
        this.gatewayId = gatewayId;
        this.agent = agent;
        this.policy = policy;
        this.directory = directory;
    }

    @Override
    public void onReady(Tunnel tunnel) {
        log.info("{} agent connected: user={} device={} address={}",
                tunnel.channel().id().asShortText(), agent.name(), agent.device(),
                tunnel.channel().remoteAddress());
        tunnel.sendControl(policy.steeringPolicyJson(agent.name()));
    }

    @Override
    public void onClosed(Tunnel tunnel, String reason) {
        log.info("{} agent disconnected: user={} device={} reason={}",
                tunnel.channel().id().asShortText(), agent.name(), agent.device(), reason);
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream downstream) {
        long startNanos = System.nanoTime();
        FlowMetadata requested = downstream.metadata();
        AccessDecision decision = policy.decide(agent.name(), requested);
        FlowMetadata flow = requested.withIdentity(
                FlowIds.next(), agent.name(), agent.device(), decision.app());
        if (!decision.allowed()) {
            log.info("flow denied: flow={} user={} device={} destination={} app={} reason=\"{}\"",
                    flow.flowId(), flow.user(), flow.device(), flow.destination(), flow.app(),
                    decision.reason());
            downstream.reject(OpenResult.DENIED_BY_POLICY, decision.reason());
            record(flow, null, OpenResult.DENIED_BY_POLICY, decision.reason(), startNanos, null);
            return;
        }
        PublisherDirectory.Route route = directory.select(decision.publishers());
        if (route == null) {
            String reason = "no publisher of app " + decision.app() + " is connected (assigned: "
                    + decision.publishers() + ")";
            log.info("flow failed: flow={} user={} destination={} app={} reason=\"{}\"",
                    flow.flowId(), flow.user(), flow.destination(), flow.app(), reason);
            downstream.reject(OpenResult.NO_PUBLISHER, reason);
            record(flow, null, OpenResult.NO_PUBLISHER, reason, startNanos, null);
            return;
        }
        FlowMetadata routed = flow.withPublisher(route.publisher());
        log.debug("publisher selected: flow={} app={} publisher={} publisherGateway={}",
                flow.flowId(), flow.app(), route.publisher(), route.gateway().peer());
        directory.flowStarted(route.publisher());
        route.gateway().open(routed).addListener(f -> {
            if (!f.isSuccess()) {
                directory.flowEnded(route.publisher());
                OpenResult result = f.cause() instanceof FlowOpenException failure
                        ? failure.result() : OpenResult.INTERNAL_ERROR;
                String reason = f.cause().getMessage();
                downstream.reject(result, reason);
                record(routed, route, result, reason, startNanos, null);
                return;
            }
            Stream upstream = (Stream) f.getNow();
            StreamBridge.join(downstream, upstream).completion().addListener(done -> {
                directory.flowEnded(route.publisher());
                record(routed, route, OpenResult.CONNECTED, "", startNanos,
                        (RelaySummary) done.getNow());
            });
        });
    }

    /** Writes the flow record: one line per flow, when it ends or fails to open. */
    private void record(FlowMetadata flow, PublisherDirectory.Route route, OpenResult result,
            String reason, long startNanos, RelaySummary summary) {
        long durationMillis = (System.nanoTime() - startNanos) / 1_000_000;
        flowLog.info("flow record: flow={} user={} device={} app={} destination={} protocol={} "
                        + "clientGateway={} publisher={} publisherGateway={} bytesUp={} bytesDown={} "
                        + "durationMillis={} result={} reason=\"{}\"",
                flow.flowId(), flow.user(), flow.device(), flow.app(), flow.destination(),
                flow.protocol(), gatewayId, route == null ? null : route.publisher(),
                route == null ? null : route.gateway().peer(),
                summary == null ? 0 : summary.bytesUp(), summary == null ? 0 : summary.bytesDown(),
                durationMillis, result, summary == null ? reason : summary.outcome());
    }
}
