package io.ztna.publishergateway;

import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.relay.StreamBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events of one client gateway's tunnel: each stream it opens names a publisher, and is joined
 * to a stream opened on that publisher's tunnel once the publisher has connected to the app.
 */
final class ClientGatewayTunnelListener implements TunnelListener {

    private static final Logger log = LoggerFactory.getLogger(ClientGatewayTunnelListener.class);

    private final PublisherRegistry registry;
    private final String clientGatewayId;

    ClientGatewayTunnelListener(PublisherRegistry registry, String clientGatewayId) {
        this.registry = registry;
        this.clientGatewayId = clientGatewayId;
    }

    @Override
    public void onReady(Tunnel tunnel) {
        log.info("{} client gateway connected: clientGateway={} address={}",
                tunnel.channel().id().asShortText(), clientGatewayId,
                tunnel.channel().remoteAddress());
        registry.clientGatewayUp(tunnel);
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream downstream) {
        FlowMetadata flow = downstream.metadata();
        if (flow.publisher() == null) {
            reject(downstream, OpenResult.NO_PUBLISHER, "no publisher named in the flow");
            return;
        }
        Tunnel publisher = registry.publisher(flow.publisher());
        if (publisher == null) {
            reject(downstream, OpenResult.NO_PUBLISHER,
                    "publisher " + flow.publisher() + " is not connected to this gateway");
            return;
        }
        publisher.open(flow).addListener(f -> {
            if (f.isSuccess()) {
                Stream upstream = (Stream) f.getNow();
                StreamBridge.join(downstream, upstream).completion().addListener(done ->
                        log.debug("flow relayed: flow={} publisher={} summary={}",
                                flow.flowId(), flow.publisher(), done.getNow()));
                return;
            }
            Throwable cause = f.cause();
            if (cause instanceof FlowOpenException failure) {
                reject(downstream, failure.result(), failure.getMessage());
            } else {
                reject(downstream, OpenResult.INTERNAL_ERROR, String.valueOf(cause));
            }
        });
    }

    private void reject(Stream downstream, OpenResult result, String reason) {
        FlowMetadata flow = downstream.metadata();
        log.info("flow failed: flow={} clientGateway={} publisher={} destination={} result={} "
                + "reason=\"{}\"", flow.flowId(), clientGatewayId, flow.publisher(),
                flow.destination(), result, reason);
        downstream.reject(result, reason);
    }

    @Override
    public void onClosed(Tunnel tunnel, String reason) {
        log.info("{} client gateway disconnected: clientGateway={} reason={}",
                tunnel.channel().id().asShortText(), clientGatewayId, reason);
        registry.clientGatewayDown(tunnel);
    }
}
