package io.ztna.proto.control;

import java.util.List;

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

    /** One publisher and whether it is connected to the sending gateway now. */
    public record PublisherState(String id, boolean connected) {
    }
}
