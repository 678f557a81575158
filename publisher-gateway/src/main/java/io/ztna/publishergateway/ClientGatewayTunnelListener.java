package io.ztna.publishergateway;

import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ControlMessage;
import io.ztna.proto.control.DnsAnswerMessage;
import io.ztna.proto.control.DnsQueryMessage;
import io.ztna.proto.dns.DnsQueryRelay;
import io.ztna.proto.dns.DnsWire;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.log.TunnelEvents;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.metrics.FlowMeter;
import io.ztna.proto.relay.RelaySummary;
import io.ztna.proto.relay.StreamBridge;
import io.ztna.proto.tls.PeerRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events of one client gateway's tunnel: each stream it opens names a publisher, and is joined
 * to a stream opened on that publisher's tunnel once the publisher has connected to the app.
 */
final class ClientGatewayTunnelListener implements TunnelListener {

    private static final Logger log = LoggerFactory.getLogger(ClientGatewayTunnelListener.class);

    /** Time a publisher has to answer a DNS query, below the client gateway's own limit. */
    static final long DNS_TIMEOUT_MILLIS = 3_500;

    private final PublisherRegistry registry;
    private final String gatewayId;
    /** Whether the tunnel came up, so that one that never did logs no down event. */
    private boolean up;
    private final String clientGatewayId;
    private final FlowMeter flows;

    /**
     * @param gatewayId this publisher gateway's id, for tunnel events and flow lines
     * @param flows counts the flows this gateway relays toward publishers
     */
    ClientGatewayTunnelListener(PublisherRegistry registry, String gatewayId,
            String clientGatewayId, FlowMeter flows) {
        this.registry = registry;
        this.gatewayId = gatewayId;
        this.clientGatewayId = clientGatewayId;
        this.flows = flows;
    }

    @Override
    public void onReady(Tunnel tunnel) {
        up = true;
        TunnelEvents.up(gatewayId, PeerRole.CLIENT_GATEWAY.wireName(), clientGatewayId, null,
                tunnel.channel().remoteAddress());
        registry.clientGatewayUp(tunnel);
    }

    /**
     * Passes a publisher DNS query to the publisher it names and its answer back; other control
     * messages are logged and dropped.
     */
    @Override
    public void onControl(Tunnel tunnel, String json) {
        ControlMessage message;
        try {
            message = ControlCodec.decode(json);
        } catch (IllegalArgumentException e) {
            log.warn("{} control message rejected: clientGateway={} error={}",
                    tunnel.channel().id().asShortText(), clientGatewayId, e.getMessage());
            return;
        }
        if (!(message instanceof DnsQueryMessage query)) {
            log.warn("{} unexpected control message: clientGateway={} type={}",
                    tunnel.channel().id().asShortText(), clientGatewayId,
                    message.getClass().getSimpleName());
            return;
        }
        Tunnel publisher = query.publisher() == null ? null : registry.publisher(query.publisher());
        if (publisher == null) {
            tunnel.sendControl(ControlCodec.encode(new DnsAnswerMessage(query.id(),
                    DnsWire.SERVFAIL, null, "publisher " + query.publisher()
                            + " is not connected to this gateway")));
            return;
        }
        DnsQueryRelay.Pending pending = registry.dns().register(tunnel.channel().eventLoop(),
                DNS_TIMEOUT_MILLIS, "publisher " + query.publisher());
        publisher.sendControl(ControlCodec.encode(new DnsQueryMessage(pending.id(), query.name(),
                query.qtype(), query.publisher())));
        pending.answer().thenAccept(answer -> tunnel.sendControl(ControlCodec.encode(
                new DnsAnswerMessage(query.id(), answer.rcode(), answer.response(),
                        answer.error()))));
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream downstream) {
        FlowMetadata flow = downstream.metadata();
        long startNanos = flows.opening();
        if (flow.publisher() == null) {
            reject(downstream, OpenResult.NO_PUBLISHER, "no publisher named in the flow",
                    startNanos);
            return;
        }
        Tunnel publisher = registry.publisher(flow.publisher());
        if (publisher == null) {
            reject(downstream, OpenResult.NO_PUBLISHER,
                    "publisher " + flow.publisher() + " is not connected to this gateway",
                    startNanos);
            return;
        }
        // The client gateway's early bytes go on to the publisher with the OPEN.
        StreamBridge bridge = StreamBridge.early(downstream, flows);
        publisher.open(flow, bridge::attach).addListener(f -> {
            if (f.isSuccess()) {
                Stream upstream = (Stream) f.getNow();
                flows.connected(startNanos);
                log.debug("flow open: flow={} clientGateway={} publisher={} destination={}",
                        flow.flowId(), clientGatewayId, flow.publisher(), flow.destination());
                bridge.connect(upstream);
                bridge.completion().addListener(done -> {
                    RelaySummary summary = (RelaySummary) done.getNow();
                    flows.finished(summary);
                    log.debug("flow closed: flow={} clientGateway={} publisher={} "
                                    + "destination={} bytesUp={} bytesDown={} outcome=\"{}\"",
                            flow.flowId(), clientGatewayId, flow.publisher(),
                            flow.destination(), summary.bytesUp(), summary.bytesDown(),
                            summary.outcome());
                });
                return;
            }
            bridge.abandon();
            Throwable cause = f.cause();
            if (cause instanceof FlowOpenException failure) {
                reject(downstream, failure.result(), failure.getMessage(), startNanos);
            } else {
                reject(downstream, OpenResult.INTERNAL_ERROR, String.valueOf(cause), startNanos);
            }
        });
    }

    private void reject(Stream downstream, OpenResult result, String reason, long startNanos) {
        flows.failed(startNanos, result);
        FlowMetadata flow = downstream.metadata();
        log.info("flow failed: flow={} clientGateway={} publisher={} destination={} result={} "
                + "reason=\"{}\"", flow.flowId(), clientGatewayId, flow.publisher(),
                flow.destination(), result, reason);
        downstream.reject(result, reason);
    }

    @Override
    public void onClosed(Tunnel tunnel, String reason) {
        if (up) {
            TunnelEvents.down(gatewayId, PeerRole.CLIENT_GATEWAY.wireName(), clientGatewayId, null,
                    tunnel.channel().remoteAddress(), reason);
        }
        registry.clientGatewayDown(tunnel);
    }
}
