package io.ztna.clientgateway.routing;

import io.ztna.proto.control.PresenceMessage;
import io.ztna.proto.mux.Tunnel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live map of publishers: for every publisher-gateway tunnel, the state of each publisher
 * as that gateway announced it last, plus the flows this client gateway has in flight to each
 * publisher. A publisher announced by two gateways is reachable through either. Each presence
 * message applies as it arrives.
 *
 * <p>Thread-safe: presence arrives on the gateway tunnels' event loops while flows are routed
 * on the agent tunnels' loops.
 */
public final class PublisherDirectory {

    private final Map<Tunnel, Map<String, PresenceMessage.PublisherState>> byGateway =
            new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /**
     * Applies a presence message received on {@code gateway}'s tunnel: a snapshot replaces what
     * the gateway announced before, other messages update the publishers they name.
     *
     * @return whether the set of publishers connected through this gateway changed
     */
    public boolean apply(Tunnel gateway, PresenceMessage message) {
        Set<String> before = new HashSet<>();
        Map<String, PresenceMessage.PublisherState> next = new HashMap<>();
        byGateway.compute(gateway, (tunnel, current) -> {
            before.clear();
            next.clear();
            if (current != null) {
                before.addAll(connected(current));
                if (!message.snapshot()) {
                    next.putAll(current);
                }
            }
            for (PresenceMessage.PublisherState state : message.publishers()) {
                next.put(state.id(), state);
            }
            return Map.copyOf(next);
        });
        return !before.equals(connected(next));
    }

    /** Forgets everything learned through a gateway tunnel that closed or sent GOAWAY. */
    public void remove(Tunnel gateway) {
        byGateway.remove(gateway);
    }

    /** Returns the ids of publishers connected now through a tunnel that accepts new streams. */
    public Set<String> connectedPublishers() {
        Set<String> all = new HashSet<>();
        for (Map.Entry<Tunnel, Map<String, PresenceMessage.PublisherState>> entry
                : byGateway.entrySet()) {
            if (entry.getKey().acceptsNewStreams()) {
                all.addAll(connected(entry.getValue()));
            }
        }
        return all;
    }

    /**
     * Returns a snapshot of every link to the {@code assigned} publishers that some gateway has
     * announced, connected or not, in no particular order.
     */
    public List<PublisherLink> links(Collection<String> assigned) {
        List<PublisherLink> links = new ArrayList<>();
        for (Map.Entry<Tunnel, Map<String, PresenceMessage.PublisherState>> entry
                : byGateway.entrySet()) {
            Tunnel tunnel = entry.getKey();
            for (String publisher : assigned) {
                PresenceMessage.PublisherState state = entry.getValue().get(publisher);
                if (state != null) {
                    links.add(link(tunnel, state));
                }
            }
        }
        return links;
    }

    /** Returns a snapshot of every link that some gateway has announced, for status output. */
    public List<PublisherLink> allLinks() {
        List<PublisherLink> links = new ArrayList<>();
        for (Map.Entry<Tunnel, Map<String, PresenceMessage.PublisherState>> entry
                : byGateway.entrySet()) {
            for (PresenceMessage.PublisherState state : entry.getValue().values()) {
                links.add(link(entry.getKey(), state));
            }
        }
        return links;
    }

    /** Returns the flows this gateway is opening or relaying now through {@code publisher}. */
    public int inFlight(String publisher) {
        AtomicInteger count = inFlight.get(publisher);
        return count == null ? 0 : count.get();
    }

    /** Counts a flow to {@code publisher} from the moment its open is sent. */
    public void flowStarted(String publisher) {
        inFlight.computeIfAbsent(publisher, id -> new AtomicInteger()).incrementAndGet();
    }

    /** Stops counting a flow whose open failed or whose relay ended. */
    public void flowEnded(String publisher) {
        AtomicInteger count = inFlight.get(publisher);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    private static PublisherLink link(Tunnel tunnel, PresenceMessage.PublisherState state) {
        return new PublisherLink(state.id(), tunnel.peer(), tunnel, tunnel.acceptsNewStreams(),
                tunnel.rttNanos(), state);
    }

    private static Set<String> connected(Map<String, PresenceMessage.PublisherState> states) {
        Set<String> ids = new HashSet<>();
        for (PresenceMessage.PublisherState state : states.values()) {
            if (state.connected()) {
                ids.add(state.id());
            }
        }
        return ids;
    }
}
