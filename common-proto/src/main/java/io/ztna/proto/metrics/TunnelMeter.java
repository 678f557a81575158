package io.ztna.proto.metrics;

import io.ztna.proto.mux.TunnelObserver;

/**
 * Counts the handshakes and send-window exhaustions of every tunnel of one daemon into its
 * {@link DataPlaneMetrics}. Pass it to the tunnels with
 * {@link io.ztna.proto.mux.TunnelOptions#withObserver}.
 */
public final class TunnelMeter implements TunnelObserver {

    private final DataPlaneMetrics metrics;

    public TunnelMeter(DataPlaneMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handshakeFinished(String peerRole, String result) {
        metrics.tunnelHandshakes.labelValues(peerRole, result).inc();
    }

    @Override
    public void sendWindowExhausted() {
        metrics.windowsExhausted.inc();
    }
}
