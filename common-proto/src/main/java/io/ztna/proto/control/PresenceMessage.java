package io.ztna.proto.control;

import java.util.List;
import java.util.Map;

/**
 * Sent by a publisher gateway to its client gateways: which publishers are connected to it.
 * A {@code snapshot} replaces everything the receiver knew from this gateway; otherwise the
 * entries update it.
 *
 * @param gateway id of the sending publisher gateway
 */
public record PresenceMessage(String gateway, boolean snapshot, List<PublisherState> publishers)
        implements ControlMessage {

    public PresenceMessage {
        publishers = publishers == null ? List.of() : List.copyOf(publishers);
    }

    /**
     * One publisher as the sending gateway sees it now.
     *
     * @param connected whether the publisher's tunnel to the sending gateway is up and accepts
     *     new flows
     * @param activeFlows flows the publisher reports relaying, over all its gateways
     * @param rttMicros round-trip time of the tunnel between the sending gateway and the
     *     publisher, in microseconds, or -1 when not measured yet
     * @param apps reachability of the apps the publisher probes, by app name; an app absent
     *     here is not probed and counts as reachable
     */
    public record PublisherState(String id, boolean connected, int activeFlows, long rttMicros,
            Map<String, Boolean> apps) {

        public PublisherState {
            apps = apps == null ? Map.of() : Map.copyOf(apps);
        }

        /** Creates a state with no load, RTT or reachability reported. */
        public PublisherState(String id, boolean connected) {
            this(id, connected, 0, -1, Map.of());
        }
    }
}
