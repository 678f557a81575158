package io.ztna.proto.mux;

/**
 * Receives counted events of every tunnel a daemon runs, such as for its metrics. Calls come
 * from the tunnels' event loops, so an implementation must be thread-safe, must not block and
 * should not allocate: {@link #sendWindowExhausted()} runs on the data path.
 */
public interface TunnelObserver {

    /** The observer that ignores every event. */
    TunnelObserver NONE = new TunnelObserver() {
    };

    /**
     * Receives the result of a tunnel's TLS handshake.
     *
     * @param peerRole the wire name of the role the peer proved, or {@code unknown} when the
     *     handshake failed before the peer was identified
     * @param result {@code ok}, or a failure reason from a small fixed set: {@code certificate},
     *     {@code timeout}, {@code alpn}, {@code identity} or {@code tls}
     */
    default void handshakeFinished(String peerRole, String result) {
    }

    /** Receives a stall: a stream's send window reached zero while it still had data queued. */
    default void sendWindowExhausted() {
    }
}
