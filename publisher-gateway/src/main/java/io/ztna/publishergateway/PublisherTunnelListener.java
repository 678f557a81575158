package io.ztna.publishergateway;

import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ControlMessage;
import io.ztna.proto.control.DnsAnswerMessage;
import io.ztna.proto.control.PublisherStatusMessage;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.log.TunnelEvents;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.tls.PeerRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Events of one publisher's tunnel: registers it while up. Publishers never open streams. */
final class PublisherTunnelListener implements TunnelListener {

    private static final Logger log = LoggerFactory.getLogger(PublisherTunnelListener.class);

    private final PublisherRegistry registry;
    private final String gatewayId;
    /** Whether the tunnel came up, so that one that never did logs no down event. */
    private boolean up;
    private final String publisherId;

    /** @param gatewayId this publisher gateway's id, for tunnel events */
    PublisherTunnelListener(PublisherRegistry registry, String gatewayId, String publisherId) {
        this.registry = registry;
        this.gatewayId = gatewayId;
        this.publisherId = publisherId;
    }

    @Override
    public void onReady(Tunnel tunnel) {
        up = true;
        TunnelEvents.up(gatewayId, PeerRole.PUBLISHER.wireName(), publisherId, null,
                tunnel.channel().remoteAddress());
        registry.publisherUp(publisherId, tunnel);
    }

    /**
     * Takes publisher DNS answers and status reports, and logs and drops other control
     * messages.
     */
    @Override
    public void onControl(Tunnel tunnel, String json) {
        try {
            ControlMessage message = ControlCodec.decode(json);
            if (message instanceof PublisherStatusMessage status) {
                log.debug("{} publisher status: publisher={} activeFlows={} apps={}",
                        tunnel.channel().id().asShortText(), publisherId, status.activeFlows(),
                        status.apps());
                registry.publisherStatus(publisherId, tunnel, status);
                return;
            }
            if (message instanceof DnsAnswerMessage answer) {
                if (!registry.dns().complete(answer)) {
                    log.debug("{} late DNS answer dropped: publisher={} query={}",
                            tunnel.channel().id().asShortText(), publisherId, answer.id());
                }
                return;
            }
            log.warn("{} unexpected control message: publisher={} type={}",
                    tunnel.channel().id().asShortText(), publisherId,
                    message.getClass().getSimpleName());
        } catch (IllegalArgumentException e) {
            log.warn("{} control message rejected: publisher={} error={}",
                    tunnel.channel().id().asShortText(), publisherId, e.getMessage());
        }
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream stream) {
        log.warn("{} stream rejected: publisher={} stream={} reason=\"publishers cannot open flows\"",
                tunnel.channel().id().asShortText(), publisherId, stream.id());
        stream.reject(OpenResult.DENIED_BY_POLICY, "publishers cannot open flows");
    }

    @Override
    public void onGoAway(Tunnel tunnel, ErrorCode code, String reason) {
        registry.publisherDraining(publisherId, tunnel);
    }

    @Override
    public void onClosed(Tunnel tunnel, String reason) {
        if (up) {
            TunnelEvents.down(gatewayId, PeerRole.PUBLISHER.wireName(), publisherId, null,
                    tunnel.channel().remoteAddress(), reason);
        }
        registry.publisherDown(publisherId, tunnel);
    }
}
