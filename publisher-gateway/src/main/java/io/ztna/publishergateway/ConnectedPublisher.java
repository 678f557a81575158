package io.ztna.publishergateway;

import io.ztna.proto.control.PresenceMessage.PublisherState;
import io.ztna.proto.control.PublisherStatusMessage;
import io.ztna.proto.mux.Tunnel;
import java.util.Map;

/**
 * A publisher connected to this gateway: its tunnel, the last status it reported and the RTT
 * last announced for it. Changed only under the {@link PublisherRegistry}'s lock.
 */
final class ConnectedPublisher {

    final String id;
    final Tunnel tunnel;
    private Map<String, Boolean> apps = Map.of();
    private int activeFlows;
    private long announcedRttMicros = -1;

    ConnectedPublisher(String id, Tunnel tunnel) {
        this.id = id;
        this.tunnel = tunnel;
    }

    /** Stores a status report and returns whether reachability or the flow count changed. */
    boolean update(PublisherStatusMessage status) {
        boolean changed = !apps.equals(status.apps()) || activeFlows != status.activeFlows();
        apps = status.apps();
        activeFlows = status.activeFlows();
        return changed;
    }

    /** Returns the state to announce now, and notes its RTT as announced. */
    PublisherState announce() {
        announcedRttMicros = rttMicros();
        return state();
    }

    /** Returns the state with the tunnel's current RTT, without noting it as announced. */
    PublisherState state() {
        return new PublisherState(id, tunnel.acceptsNewStreams(), activeFlows, rttMicros(), apps);
    }

    /**
     * Returns whether the RTT moved enough since the last announcement to announce it again:
     * measured for the first time, or changed by at least 100 microseconds and 10 %.
     */
    boolean rttChanged() {
        long now = rttMicros();
        long before = announcedRttMicros;
        if (now < 0 || before < 0) {
            return now >= 0;
        }
        long change = Math.abs(now - before);
        return change >= 100 && change * 10 >= before;
    }

    private long rttMicros() {
        long nanos = tunnel.rttNanos();
        return nanos < 0 ? -1 : nanos / 1_000;
    }
}
