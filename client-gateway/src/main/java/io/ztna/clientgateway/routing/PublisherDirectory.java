package io.ztna.clientgateway.routing;

import io.ztna.proto.control.PresenceMessage;
import io.ztna.proto.mux.Tunnel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live map of publishers to the publisher-gateway tunnels they can be reached through,
 * built from presence messages. Thread-safe: presence arrives on gateway tunnels' event loops
 * while flows are routed on agent tunnels' loops.
 */
public final class PublisherDirectory {

    private final Map<Tunnel, Set<String>> publishersByGateway = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> activeFlows = new ConcurrentHashMap<>();

    /** Applies a presence message received on {@code gateway}'s tunnel. */
    public void apply(Tunnel gateway, PresenceMessage message) {
        publishersByGateway.compute(gateway, (tunnel, current) -> {
            Set<String> next = message.snapshot() || current == null
                    ? new HashSet<>() : new HashSet<>(current);
            for (PresenceMessage.PublisherState state : message.publishers()) {
                if (state.connected()) {
                    next.add(state.id());
                } else {
                    next.remove(state.id());
                }
            }
            return Set.copyOf(next);
        });
    }

    /** Forgets everything learned through a gateway tunnel that closed. */
    public void remove(Tunnel gateway) {
        publishersByGateway.remove(gateway);
    }

    /** Ids of publishers reachable now through any gateway. */
    public Set<String> connectedPublishers() {
        Set<String> all = new HashSet<>();
        for (Map.Entry<Tunnel, Set<String>> entry : publishersByGateway.entrySet()) {
            if (entry.getKey().acceptsNewStreams()) {
                all.addAll(entry.getValue());
            }
        }
        return all;
    }

    /**
     * Picks a publisher among {@code assigned} that is connected now, the one with the fewest
     * active flows from this gateway (ties broken at random), and a gateway tunnel to reach it.
     * Returns null when none is connected.
     */
    public Route select(Collection<String> assigned) {
        List<Route> candidates = new ArrayList<>();
        for (Map.Entry<Tunnel, Set<String>> entry : publishersByGateway.entrySet()) {
            Tunnel gateway = entry.getKey();
            if (!gateway.acceptsNewStreams()) {
                continue;
            }
            for (String publisher : assigned) {
                if (entry.getValue().contains(publisher)) {
                    candidates.add(new Route(publisher, gateway));
                }
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        int fewest = Integer.MAX_VALUE;
        List<Route> best = new ArrayList<>();
        for (Route route : candidates) {
            int flows = activeFlows(route.publisher());
            if (flows < fewest) {
                fewest = flows;
                best.clear();
            }
            if (flows == fewest) {
                best.add(route);
            }
        }
        return best.get(ThreadLocalRandom.current().nextInt(best.size()));
    }

    public int activeFlows(String publisher) {
        AtomicInteger count = activeFlows.get(publisher);
        return count == null ? 0 : count.get();
    }

    public void flowStarted(String publisher) {
        activeFlows.computeIfAbsent(publisher, id -> new AtomicInteger()).incrementAndGet();
    }

    public void flowEnded(String publisher) {
        AtomicInteger count = activeFlows.get(publisher);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** A chosen publisher and the publisher-gateway tunnel to open the flow on. */
    public record Route(String publisher, Tunnel gateway) {
    }
}
