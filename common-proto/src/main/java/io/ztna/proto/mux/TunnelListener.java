package io.ztna.proto.mux;

import io.ztna.proto.frame.ErrorCode;

/** Receives tunnel-level events, always on the tunnel's event loop. */
public interface TunnelListener {

    /** Both sides exchanged HELLO: streams may be opened from now on. */
    default void onReady(Tunnel tunnel) {
    }

    /**
     * The peer opened a stream. The listener must answer with {@link Stream#accept} or
     * {@link Stream#reject}, at once or later from any thread.
     */
    void onStreamOpened(Tunnel tunnel, Stream stream);

    /** A control message arrived as JSON text. */
    default void onControl(Tunnel tunnel, String json) {
    }

    /** The peer sent GOAWAY: it accepts no new streams on this tunnel. */
    default void onGoAway(Tunnel tunnel, ErrorCode code, String reason) {
    }

    /** The tunnel closed; every stream on it has been reset. */
    default void onClosed(Tunnel tunnel, String reason) {
    }
}
