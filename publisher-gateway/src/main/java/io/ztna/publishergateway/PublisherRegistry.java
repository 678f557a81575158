package io.ztna.publishergateway;

import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.PresenceMessage;
import io.ztna.proto.control.PresenceMessage.PublisherState;
import io.ztna.proto.control.PublisherStatusMessage;
import io.ztna.proto.dns.DnsQueryRelay;
import io.ztna.proto.mux.Tunnel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishers connected to this gateway and the client gateways to tell about them. A client
 * gateway that connects gets a snapshot. A publisher that connects, goes away or reports a
 * change in reachability or flow count is announced to every client gateway at once, with its
 * tunnel's RTT. RTT changes alone are announced by {@link #announceRttChanges()}, which the
 * gateway calls every {@link #RTT_UPDATE_INTERVAL_SECONDS} seconds. Thread-safe: changes and
 * announcements happen under one lock, so every client gateway sees them in the same order.
 */
final class PublisherRegistry {

    /** Time between checks for RTT changes worth announcing. */
    static final long RTT_UPDATE_INTERVAL_SECONDS = 5;

    private final String gatewayId;
    private final DnsQueryRelay dns;
    private final Map<String, ConnectedPublisher> publishers = new ConcurrentHashMap<>();
    private final Set<Tunnel> clientGateways = ConcurrentHashMap.newKeySet();

    PublisherRegistry(String gatewayId) {
        this.gatewayId = gatewayId;
        this.dns = new DnsQueryRelay(gatewayId);
    }

    /** Returns the relay of publisher DNS queries passed from client gateways to publishers. */
    DnsQueryRelay dns() {
        return dns;
    }

    /** Returns the tunnel of a connected publisher that takes new flows, or null. */
    Tunnel publisher(String id) {
        ConnectedPublisher publisher = publishers.get(id);
        return publisher != null && publisher.tunnel.acceptsNewStreams()
                ? publisher.tunnel : null;
    }

    int publisherCount() {
        return publishers.size();
    }

    int clientGatewayCount() {
        return clientGateways.size();
    }

    List<Tunnel> clientGatewayTunnels() {
        return new ArrayList<>(clientGateways);
    }

    List<Tunnel> publisherTunnels() {
        List<Tunnel> tunnels = new ArrayList<>();
        publishers.values().forEach(publisher -> tunnels.add(publisher.tunnel));
        return tunnels;
    }

    List<String> publisherIds() {
        return new ArrayList<>(publishers.keySet());
    }

    /** Returns the state of every connected publisher, as the next announcement would. */
    synchronized List<PublisherState> publisherStates() {
        List<PublisherState> states = new ArrayList<>();
        publishers.values().forEach(publisher -> states.add(publisher.state()));
        return states;
    }

    /** Registers a publisher's tunnel; a newer tunnel of the same publisher replaces the older. */
    synchronized void publisherUp(String id, Tunnel tunnel) {
        ConnectedPublisher publisher = new ConnectedPublisher(id, tunnel);
        ConnectedPublisher previous = publishers.put(id, publisher);
        if (previous != null && previous.tunnel != tunnel) {
            previous.tunnel.shutdownGracefully("replaced by a newer tunnel of the same publisher");
        }
        announce(List.of(publisher.announce()));
    }

    /** Forgets a publisher, unless it already reconnected on another tunnel. */
    synchronized void publisherDown(String id, Tunnel tunnel) {
        ConnectedPublisher publisher = publishers.get(id);
        if (publisher != null && publisher.tunnel == tunnel) {
            publishers.remove(id);
            announce(List.of(new PublisherState(id, false)));
        }
    }

    /** Announces a publisher that stopped taking streams (GOAWAY) as gone. */
    synchronized void publisherDraining(String id, Tunnel tunnel) {
        ConnectedPublisher publisher = publishers.get(id);
        if (publisher != null && publisher.tunnel == tunnel) {
            announce(List.of(new PublisherState(id, false)));
        }
    }

    /**
     * Stores a publisher's status report and announces the publisher when its reachability or
     * flow count changed. Reports on a tunnel that is no longer the publisher's, or that
     * drains, are ignored.
     */
    synchronized void publisherStatus(String id, Tunnel tunnel, PublisherStatusMessage status) {
        ConnectedPublisher publisher = publishers.get(id);
        if (publisher == null || publisher.tunnel != tunnel) {
            return;
        }
        if (publisher.update(status) && tunnel.acceptsNewStreams()) {
            announce(List.of(publisher.announce()));
        }
    }

    /** Announces, in one message, every publisher whose tunnel RTT changed noticeably. */
    synchronized void announceRttChanges() {
        List<PublisherState> changed = new ArrayList<>();
        for (ConnectedPublisher publisher : publishers.values()) {
            if (publisher.tunnel.acceptsNewStreams() && publisher.rttChanged()) {
                changed.add(publisher.announce());
            }
        }
        if (!changed.isEmpty()) {
            announce(changed);
        }
    }

    synchronized void clientGatewayUp(Tunnel tunnel) {
        clientGateways.add(tunnel);
        List<PublisherState> states = new ArrayList<>();
        for (ConnectedPublisher publisher : publishers.values()) {
            if (publisher.tunnel.acceptsNewStreams()) {
                states.add(publisher.state());
            }
        }
        tunnel.sendControl(ControlCodec.encode(new PresenceMessage(gatewayId, true, states)));
    }

    synchronized void clientGatewayDown(Tunnel tunnel) {
        clientGateways.remove(tunnel);
    }

    /** Sends GOAWAY on every tunnel and waits up to two seconds for them to close. */
    void shutdownAll(String reason, long drainTimeoutMillis) {
        List<Tunnel> all = publisherTunnels();
        all.addAll(clientGateways);
        for (Tunnel tunnel : all) {
            tunnel.shutdownGracefully(reason);
        }
        // Each tunnel closes by itself once its flows finished or its drain timeout passed.
        long deadline = System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(drainTimeoutMillis + 1_000);
        for (Tunnel tunnel : all) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                tunnel.channel().closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void announce(List<PublisherState> states) {
        String json = ControlCodec.encode(new PresenceMessage(gatewayId, false, states));
        for (Tunnel tunnel : clientGateways) {
            tunnel.sendControl(json);
        }
    }
}
