package io.ztna.proto.mux;

import io.ztna.proto.frame.TunnelSettings;

/**
 * Local tuning of one tunnel.
 *
 * @param settings limits announced to the peer in HELLO
 * @param pingIntervalMillis time between keepalive pings
 * @param deadPeerTimeoutMillis the tunnel closes when nothing at all was read for this long
 * @param openTimeoutMillis a stream open fails with TIMED_OUT when unanswered for this long
 * @param maxStreamWindow largest receive window a stream grows to, in bytes
 * @param drainTimeoutMillis after a graceful GOAWAY, open streams get this long to finish
 * @param observer receives handshake results and send-window exhaustion, as for metrics
 */
public record TunnelOptions(
        TunnelSettings settings,
        long pingIntervalMillis,
        long deadPeerTimeoutMillis,
        long openTimeoutMillis,
        int maxStreamWindow,
        long drainTimeoutMillis,
        TunnelObserver observer) {

    public TunnelOptions {
        if (observer == null) {
            throw new IllegalArgumentException("observer is null (expected TunnelObserver.NONE)");
        }
        if (pingIntervalMillis <= 0 || deadPeerTimeoutMillis < pingIntervalMillis) {
            throw new IllegalArgumentException("pingIntervalMillis " + pingIntervalMillis
                    + ", deadPeerTimeoutMillis " + deadPeerTimeoutMillis
                    + " (expected: 0 < ping interval <= dead-peer timeout)");
        }
        if (maxStreamWindow < settings.initialStreamWindow()) {
            throw new IllegalArgumentException("maxStreamWindow " + maxStreamWindow
                    + " (expected: >= initial stream window " + settings.initialStreamWindow() + ")");
        }
    }

    /** Creates options whose observer ignores every event. */
    public TunnelOptions(TunnelSettings settings, long pingIntervalMillis,
            long deadPeerTimeoutMillis, long openTimeoutMillis, int maxStreamWindow,
            long drainTimeoutMillis) {
        this(settings, pingIntervalMillis, deadPeerTimeoutMillis, openTimeoutMillis,
                maxStreamWindow, drainTimeoutMillis, TunnelObserver.NONE);
    }

    public static TunnelOptions defaults() {
        return new TunnelOptions(TunnelSettings.defaults(), 10_000, 30_000, 15_000,
                8 * 1024 * 1024, 30_000);
    }

    public TunnelOptions withKeepalive(long pingIntervalMillis, long deadPeerTimeoutMillis) {
        return new TunnelOptions(settings, pingIntervalMillis, deadPeerTimeoutMillis,
                openTimeoutMillis, maxStreamWindow, drainTimeoutMillis, observer);
    }

    public TunnelOptions withOpenTimeout(long openTimeoutMillis) {
        return new TunnelOptions(settings, pingIntervalMillis, deadPeerTimeoutMillis,
                openTimeoutMillis, maxStreamWindow, drainTimeoutMillis, observer);
    }

    public TunnelOptions withDrainTimeout(long drainTimeoutMillis) {
        return new TunnelOptions(settings, pingIntervalMillis, deadPeerTimeoutMillis,
                openTimeoutMillis, maxStreamWindow, drainTimeoutMillis, observer);
    }

    public TunnelOptions withSettings(TunnelSettings settings) {
        return new TunnelOptions(settings, pingIntervalMillis, deadPeerTimeoutMillis,
                openTimeoutMillis, Math.max(maxStreamWindow, settings.initialStreamWindow()),
                drainTimeoutMillis, observer);
    }

    public TunnelOptions withObserver(TunnelObserver observer) {
        return new TunnelOptions(settings, pingIntervalMillis, deadPeerTimeoutMillis,
                openTimeoutMillis, maxStreamWindow, drainTimeoutMillis, observer);
    }
}
