package io.ztna.proto.control;

import java.util.Map;

/**
 * Sent by a publisher to each of its publisher gateways when its state changes and at every
 * reachability interval: whether each probed app is reachable from it and how many flows it is
 * relaying over all its gateways. The gateway passes both on in its presence announcements.
 *
 * @param apps reachability by app name, for the apps the publisher's config lists probes for
 * @param activeFlows flows the publisher is relaying now
 */
public record PublisherStatusMessage(Map<String, Boolean> apps, int activeFlows)
        implements ControlMessage {

    public PublisherStatusMessage {
        apps = apps == null ? Map.of() : Map.copyOf(apps);
    }
}
