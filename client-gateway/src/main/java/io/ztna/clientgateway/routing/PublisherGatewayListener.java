package io.ztna.clientgateway.routing;

import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ControlMessage;
import io.ztna.proto.control.DnsAnswerMessage;
import io.ztna.proto.control.PresenceMessage;
import io.ztna.proto.dns.DnsQueryRelay;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events of a tunnel to a publisher gateway: presence feeds the {@link PublisherDirectory}, and
 * GOAWAY or a close removes what the gateway announced.
 */
public final class PublisherGatewayListener implements TunnelListener {

    private static final Logger log = LoggerFactory.getLogger(PublisherGatewayListener.class);

    private final PublisherDirectory directory;
    private final String gatewayId;
    private final DnsQueryRelay dns;

    /** @param dns the relay awaiting answers to publisher DNS queries sent on this tunnel */
    public PublisherGatewayListener(PublisherDirectory directory, String gatewayId,
            DnsQueryRelay dns) {
        this.directory = directory;
        this.gatewayId = gatewayId;
        this.dns = dns;
    }

    @Override
    public void onControl(Tunnel tunnel, String json) {
        ControlMessage message;
        try {
            message = ControlCodec.decode(json);
        } catch (IllegalArgumentException e) {
            log.warn("{} control message rejected: publisherGateway={} error={}",
                    tunnel.channel().id().asShortText(), gatewayId, e.getMessage());
            return;
        }
        if (message instanceof DnsAnswerMessage answer) {
            if (!dns.complete(answer)) {
                log.debug("{} late DNS answer dropped: publisherGateway={} query={}",
                        tunnel.channel().id().asShortText(), gatewayId, answer.id());
            }
        } else if (message instanceof PresenceMessage presence) {
            // Announcements also carry load and round trips, which change all the time, so
            // only a change of the connected publishers is an operator event.
            boolean changed = directory.apply(tunnel, presence);
            if (changed || log.isDebugEnabled()) {
                String line = "{} publisher presence: publisherGateway={} snapshot={} "
                        + "publishers={}";
                Object[] args = {tunnel.channel().id().asShortText(), gatewayId,
                        presence.snapshot(), presence.publishers()};
                if (changed) {
                    log.info(line, args);
                } else {
                    log.debug(line, args);
                }
            }
        } else {
            log.warn("{} unexpected control message: publisherGateway={} type={}",
                    tunnel.channel().id().asShortText(), gatewayId,
                    message.getClass().getSimpleName());
        }
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream stream) {
        stream.reject(OpenResult.DENIED_BY_POLICY, "publisher gateways cannot open flows");
    }

    @Override
    public void onGoAway(Tunnel tunnel, ErrorCode code, String reason) {
        directory.remove(tunnel);
    }

    @Override
    public void onClosed(Tunnel tunnel, String reason) {
        directory.remove(tunnel);
    }
}
