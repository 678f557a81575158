package io.ztna.publishergateway;

import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.PresenceMessage;
import io.ztna.proto.control.PresenceMessage.PublisherState;
import io.ztna.proto.dns.DnsQueryRelay;
import io.ztna.proto.mux.Tunnel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishers connected to this gateway and the client gateways to tell about them. Every
 * change is announced to every client gateway at once; a client gateway that connects gets a
 * snapshot. Thread-safe.
 */
final class PublisherRegistry {

    private final String gatewayId;
    private final DnsQueryRelay dns;
    private final Map<String, Tunnel> publishers = new ConcurrentHashMap<>();
    private final Set<Tunnel> clientGateways = ConcurrentHashMap.newKeySet();

    PublisherRegistry(String gatewayId) {
        this.gatewayId = gatewayId;
        this.dns = new DnsQueryRelay(gatewayId);
    }

    /** Returns the tunnel of a connected publisher, or null. */
    /** Returns the relay of publisher DNS queries passed from client gateways to publishers. */
    DnsQueryRelay dns() {
        return dns;
    }

    Tunnel publisher(String id) {
        Tunnel tunnel = publishers.get(id);
        return tunnel != null && tunnel.acceptsNewStreams() ? tunnel : null;
    }

    int publisherCount() {
        return publishers.size();
    }

    int clientGatewayCount() {
        return clientGateways.size();
    }

    List<Tunnel> publisherTunnels() {
        return new ArrayList<>(publishers.values());
    }

    List<String> publisherIds() {
        return new ArrayList<>(publishers.keySet());
    }

    /** Registers a publisher's tunnel; a newer tunnel of the same publisher replaces the older. */
    void publisherUp(String id, Tunnel tunnel) {
        Tunnel previous = publishers.put(id, tunnel);
        if (previous != null && previous != tunnel) {
            previous.shutdownGracefully("replaced by a newer tunnel of the same publisher");
        }
        announce(new PresenceMessage(gatewayId, false, List.of(new PublisherState(id, true))));
    }

    /** Forgets a publisher, unless it already reconnected on another tunnel. */
    void publisherDown(String id, Tunnel tunnel) {
        if (publishers.remove(id, tunnel)) {
            announce(new PresenceMessage(gatewayId, false, List.of(new PublisherState(id, false))));
        }
    }

    /** Announces a publisher that stopped taking streams (GOAWAY) as gone. */
    void publisherDraining(String id, Tunnel tunnel) {
        if (publishers.get(id) == tunnel) {
            announce(new PresenceMessage(gatewayId, false, List.of(new PublisherState(id, false))));
        }
    }

    void clientGatewayUp(Tunnel tunnel) {
        clientGateways.add(tunnel);
        List<PublisherState> states = new ArrayList<>();
        publishers.forEach((id, publisherTunnel) -> {
            if (publisherTunnel.acceptsNewStreams()) {
                states.add(new PublisherState(id, true));
            }
        });
        tunnel.sendControl(ControlCodec.encode(new PresenceMessage(gatewayId, true, states)));
    }

    void clientGatewayDown(Tunnel tunnel) {
        clientGateways.remove(tunnel);
    }

    /** Sends GOAWAY on every tunnel and waits up to two seconds for them to close. */
    void shutdownAll(String reason) {
        List<Tunnel> all = new ArrayList<>(publishers.values());
        all.addAll(clientGateways);
        for (Tunnel tunnel : all) {
            tunnel.shutdownGracefully(reason);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (Tunnel tunnel : all) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                tunnel.channel().closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void announce(PresenceMessage message) {
        String json = ControlCodec.encode(message);
        for (Tunnel tunnel : clientGateways) {
            tunnel.sendControl(json);
        }
    }
}
