package io.ztna.clientgateway;

import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import java.util.Map;
import io.ztna.clientgateway.agent.AgentSession;

/** Keeps the set of open agent tunnels current, then passes every event on. */
final class TrackingListener implements TunnelListener {

    private final AgentSession delegate;
    private final Map<Tunnel, AgentSession> open;

    TrackingListener(AgentSession delegate, Map<Tunnel, AgentSession> open) {
        this.delegate = delegate;
        this.open = open;
    }

    @Override
    public void onReady(Tunnel tunnel) {
        open.put(tunnel, delegate);
        delegate.onReady(tunnel);
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream stream) {
        delegate.onStreamOpened(tunnel, stream);
    }

    @Override
    public void onControl(Tunnel tunnel, String json) {
        delegate.onControl(tunnel, json);
    }

    @Override
    public void onGoAway(Tunnel tunnel, ErrorCode code, String reason) {
        delegate.onGoAway(tunnel, code, reason);
    }

    @Override
    public void onClosed(Tunnel tunnel, String reason) {
        open.remove(tunnel);
        delegate.onClosed(tunnel, reason);
    }
}
