package io.ztna.proto.log;

import static net.logstash.logback.argument.StructuredArguments.keyValue;
import static net.logstash.logback.argument.StructuredArguments.value;

import io.ztna.proto.tls.SpiffeId;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes tunnel events through the logger {@value #LOGGER}: one INFO event when a tunnel comes
 * up and one when it goes down, on either end. Each carries {@code "event":"tunnel"},
 * {@code state} ({@code up} or {@code down}), {@code peerRole}, {@code peer} (the peer's id, or
 * its user name for an agent), {@code device} (the agent's device, null for other peers),
 * {@code address} (the peer's address), {@code gateway} (the id of the daemon writing the event)
 * and, on down, {@code reason}. The daemons' logback configuration writes them as JSON lines.
 */
public final class TunnelEvents {

    /** Logger of tunnel events. */
    public static final String LOGGER = "io.ztna.tunnel";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private TunnelEvents() {
    }

    /**
     * Writes the event of a tunnel that came up.
     *
     * @param self id of the daemon writing the event
     * @param peer identity the peer's certificate carries
     * @param address the peer's address
     */
    public static void up(String self, SpiffeId peer, SocketAddress address) {
        up(self, peer.role().wireName(), peer.name(), peer.device(), address);
    }

    /** Writes the event of a tunnel that came up, for a peer given by role and id. */
    public static void up(String self, String peerRole, String peer, String device,
            SocketAddress address) {
        log.info("{} {}: {} {} {} {} {}", value("event", "tunnel"), value("state", "up"),
                keyValue("peerRole", peerRole), keyValue("peer", peer),
                keyValue("device", device), keyValue("address", LogAddresses.format(address)),
                keyValue("gateway", self));
    }

    /**
     * Writes the event of a tunnel that went down.
     *
     * @param reason why it closed, as the tunnel reports it
     */
    public static void down(String self, SpiffeId peer, SocketAddress address, String reason) {
        down(self, peer.role().wireName(), peer.name(), peer.device(), address, reason);
    }

    /** Writes the event of a tunnel that went down, for a peer given by role and id. */
    public static void down(String self, String peerRole, String peer, String device,
            SocketAddress address, String reason) {
        log.info("{} {}: {} {} {} {} {} {}", value("event", "tunnel"), value("state", "down"),
                keyValue("peerRole", peerRole), keyValue("peer", peer),
                keyValue("device", device), keyValue("address", LogAddresses.format(address)),
                keyValue("gateway", self), keyValue("reason", reason));
    }
}
