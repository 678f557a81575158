package io.ztna.publisher;

import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.tunnel.TunnelDialer;
import java.net.InetSocketAddress;

/**
 * One configured publisher gateway inside the {@link GatewayPool}: its last RTT measurement,
 * whether the pool keeps a tunnel to it, and the dialer that does. Fields change on the pool's
 * event loop only. The volatile ones are also read by status requests on other threads.
 */
final class GatewayLink {

    final InetSocketAddress address;
    private volatile long rttNanos = -1;
    private volatile String measureError;
    private volatile boolean measured;
    /** Whether the pool chose this gateway. A chosen gateway always has a dialer. */
    volatile boolean kept;
    /** Whether its tunnel failed since the last measurement. */
    volatile boolean excluded;
    /** The dialer while the pool dials this gateway, else null. */
    volatile Dialing dialing;
    /** A tunnel the pool dropped that still finishes its flows, else null. */
    volatile Tunnel draining;

    GatewayLink(InetSocketAddress address) {
        this.address = address;
    }

    /**
     * One dialer with the tunnel it has up. Callbacks of a dialer that the pool has closed find
     * another {@code Dialing}, or none, in the link and are ignored.
     */
    static final class Dialing {
        TunnelDialer dialer;
        volatile Tunnel tunnel;
    }

    /**
     * Stores a measurement: the RTT in nanoseconds, or the error when the gateway could not be
     * reached. Returns whether the gateway became reachable or unreachable by it.
     */
    boolean recordMeasurement(Long nanos, Throwable error) {
        boolean wasReachable = rttNanos >= 0;
        boolean first = !measured;
        measured = true;
        if (error == null) {
            rttNanos = nanos;
            measureError = null;
        } else {
            rttNanos = -1;
            measureError = error.getMessage() == null ? error.toString() : error.getMessage();
        }
        return first || wasReachable != rttNanos >= 0;
    }

    long measuredRttNanos() {
        return rttNanos;
    }

    String measureError() {
        return measureError;
    }

    /** Returns the tunnel that takes flows now, or null. */
    Tunnel serving() {
        Dialing current = dialing;
        Tunnel tunnel = current == null ? null : current.tunnel;
        return tunnel != null && tunnel.acceptsNewStreams() ? tunnel : null;
    }

    /**
     * Returns the RTT the selection compares, in nanoseconds: the last measurement, else the
     * ping RTT of a tunnel that takes flows (a gateway whose tunnel is up is reachable even
     * when a connect probe failed), else -1.
     */
    long selectionRttNanos() {
        long measuredNanos = rttNanos;
        if (measuredNanos >= 0) {
            return measuredNanos;
        }
        Tunnel tunnel = serving();
        return tunnel == null ? -1 : tunnel.rttNanos();
    }

    GatewayStatus status() {
        Dialing current = dialing;
        Tunnel tunnel = current == null ? null : current.tunnel;
        if (tunnel == null || !tunnel.isActive()) {
            Tunnel drained = draining;
            tunnel = drained != null && drained.isActive() ? drained : null;
        }
        long tunnelRtt = tunnel == null || tunnel.rttNanos() < 0 ? -1 : tunnel.rttNanos() / 1_000;
        long rtt = rttNanos;
        return new GatewayStatus(address.toString(), state(), rtt < 0 ? -1 : rtt / 1_000,
                tunnelRtt, tunnel == null ? 0 : tunnel.streamCount(), measureError);
    }

    private GatewayStatus.State state() {
        Dialing current = dialing;
        if (current != null) {
            Tunnel tunnel = current.tunnel;
            boolean up = tunnel != null && tunnel.isActive();
            if (kept) {
                return up ? GatewayStatus.State.UP : GatewayStatus.State.CONNECTING;
            }
            return up ? GatewayStatus.State.REPLACING : GatewayStatus.State.CONNECTING;
        }
        Tunnel drained = draining;
        if (drained != null && drained.isActive()) {
            return GatewayStatus.State.DRAINING;
        }
        if (excluded) {
            return GatewayStatus.State.FAILED;
        }
        if (!measured) {
            return GatewayStatus.State.UNMEASURED;
        }
        return rttNanos >= 0 ? GatewayStatus.State.STANDBY : GatewayStatus.State.UNREACHABLE;
    }
}
