package io.ztna.publisher;

import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import java.util.function.Consumer;

/**
 * Events of one tunnel to a publisher gateway: flows and control messages go to the shared
 * {@link AppConnector}, and a GOAWAY from the gateway goes to the gateway pool so that it can
 * replace the gateway.
 */
final class GatewayTunnelListener implements TunnelListener {

    private final AppConnector connector;
    private final Consumer<String> onGoAway;

    GatewayTunnelListener(AppConnector connector, Consumer<String> onGoAway) {
        this.connector = connector;
        this.onGoAway = onGoAway;
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream stream) {
        connector.onStreamOpened(tunnel, stream);
    }

    @Override
    public void onControl(Tunnel tunnel, String json) {
        connector.onControl(tunnel, json);
    }

    @Override
    public void onGoAway(Tunnel tunnel, ErrorCode code, String reason) {
        onGoAway.accept(code + ": " + reason);
    }
}
