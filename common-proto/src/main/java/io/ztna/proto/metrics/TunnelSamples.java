package io.ztna.proto.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.ztna.proto.mux.Tunnel;
import java.util.Collection;

/**
 * Reports tunnels to the callbacks of {@link DataPlaneMetrics#tunnels} and
 * {@link DataPlaneMetrics#tunnelRtt} when the metrics are scraped.
 *
 * <p>Tunnel states: {@code up} takes new streams, {@code draining} carries its open streams
 * after a GOAWAY either way, and {@code down} is a configured tunnel that is not connected
 * now, which only tunnels this daemon dials have.
 */
public final class TunnelSamples {

    public static final String UP = "up";
    public static final String DRAINING = "draining";
    public static final String DOWN = "down";

    private TunnelSamples() {
    }

    /**
     * Reports the number of tunnels this daemon accepted that are up and draining for
     * {@code peerRole}. Closed tunnels in the collection are not reported.
     */
    public static void reportStates(GaugeWithCallback.Callback callback, String peerRole,
            Collection<Tunnel> tunnels) {
        report(callback, peerRole, tunnels, -1);
    }

    /**
     * Reports the number of tunnels this daemon dials that are up, draining and down for
     * {@code peerRole}. {@code down} counts configured tunnels with no connection now, and
     * closed tunnels in the collection count as down too.
     */
    public static void reportStates(GaugeWithCallback.Callback callback, String peerRole,
            Collection<Tunnel> tunnels, int down) {
        report(callback, peerRole, tunnels, down);
    }

    private static void report(GaugeWithCallback.Callback callback, String peerRole,
            Collection<Tunnel> tunnels, int down) {
        int up = 0;
        int draining = 0;
        int closed = 0;
        for (Tunnel tunnel : tunnels) {
            if (tunnel.acceptsNewStreams()) {
                up++;
            } else if (tunnel.isActive()) {
                draining++;
            } else {
                closed++;
            }
        }
        callback.call(up, peerRole, UP);
        callback.call(draining, peerRole, DRAINING);
        if (down >= 0) {
            callback.call(down + closed, peerRole, DOWN);
        }
    }

    /**
     * Reports the keepalive round trip of each active tunnel in {@code tunnels} that measured
     * one, in seconds, labelled with its peer's SPIFFE id. Use it for tunnels between servers
     * only: their number is bounded by the deployment, unlike agent tunnels.
     */
    public static void reportRtt(GaugeWithCallback.Callback callback, String peerRole,
            Collection<Tunnel> tunnels) {
        for (Tunnel tunnel : tunnels) {
            long nanos = tunnel.rttNanos();
            if (tunnel.isActive() && nanos >= 0) {
                callback.call(nanos / 1e9, peerRole, tunnel.peer());
            }
        }
    }
}
