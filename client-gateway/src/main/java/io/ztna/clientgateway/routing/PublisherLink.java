package io.ztna.clientgateway.routing;

import io.ztna.proto.control.PresenceMessage;
import io.ztna.proto.mux.Tunnel;

/**
 * The state of one publisher through one publisher-gateway tunnel, as this client gateway
 * recorded it at one moment. Selection works on such snapshots, so its inputs do not change
 * while it runs.
 *
 * @param publisher the publisher's id
 * @param gateway the publisher gateway's peer name, as flow records show it
 * @param tunnel the tunnel to open the flow on; {@link PublisherSelector} never reads it
 * @param acceptsNewStreams whether the tunnel was up without GOAWAY when the snapshot was taken
 * @param gatewayRttNanos smoothed PING round trip of the tunnel to the publisher gateway, in
 *     nanoseconds, or -1 before the first PING ACK
 * @param state the publisher as that gateway announced it last
 */
public record PublisherLink(String publisher, String gateway, Tunnel tunnel,
        boolean acceptsNewStreams, long gatewayRttNanos, PresenceMessage.PublisherState state) {

    /**
     * Returns the round trip from this gateway through the publisher gateway to the publisher,
     * in microseconds, or -1 when either part is not measured yet.
     */
    public long totalRttMicros() {
        if (gatewayRttNanos < 0 || state.rttMicros() < 0) {
            return -1;
        }
        return gatewayRttNanos / 1_000 + state.rttMicros();
    }

    /**
     * Returns whether a flow to {@code app} may be opened here: the tunnel accepts new streams,
     * the publisher is connected to the publisher gateway, and it does not report the app
     * unreachable. An app the publisher does not probe counts as reachable.
     */
    public boolean usableFor(String app) {
        if (!acceptsNewStreams || !state.connected()) {
            return false;
        }
        return app == null || !Boolean.FALSE.equals(state.apps().get(app));
    }
}
