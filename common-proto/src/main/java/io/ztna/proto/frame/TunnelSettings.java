package io.ztna.proto.frame;

/**
 * Limits one side of a tunnel accepts, sent in its HELLO.
 *
 * @param protocolVersion tunnel protocol version; peers must use the same
 * @param maxFrameLength largest frame payload the sender accepts, in bytes (1 KiB to 16 MiB - 1)
 * @param initialStreamWindow send credit, in bytes, the peer starts with on each new stream
 * @param tunnelWindow send credit, in bytes, the peer starts with for the whole tunnel
 * @param earlyData true when the sender takes DATA and FIN on a stream the peer opened before
 *     it replied to the OPEN, so that an opener may send its first bytes without waiting a round
 *     trip; a peer that does not announce it gets none
 */
public record TunnelSettings(int protocolVersion, int maxFrameLength, int initialStreamWindow,
        int tunnelWindow, boolean earlyData) {

    public static final int PROTOCOL_VERSION = 1;
    public static final int MIN_FRAME_LENGTH = 1024;
    /** The largest value the 24-bit length field can carry. */
    public static final int MAX_FRAME_LENGTH_LIMIT = (1 << 24) - 1;
    public static final int DEFAULT_MAX_FRAME_LENGTH = 16 * 1024;
    public static final int DEFAULT_INITIAL_STREAM_WINDOW = 256 * 1024;
    public static final int DEFAULT_TUNNEL_WINDOW = 16 * 1024 * 1024;

    static final int ID_PROTOCOL_VERSION = 1;
    static final int ID_MAX_FRAME_LENGTH = 2;
    static final int ID_INITIAL_STREAM_WINDOW = 3;
    static final int ID_TUNNEL_WINDOW = 4;
    static final int ID_EARLY_DATA = 5;

    public TunnelSettings {
        if (maxFrameLength < MIN_FRAME_LENGTH || maxFrameLength > MAX_FRAME_LENGTH_LIMIT) {
            throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength
                    + " (expected: " + MIN_FRAME_LENGTH + " to " + MAX_FRAME_LENGTH_LIMIT + ")");
        }
        if (initialStreamWindow <= 0) {
            throw new IllegalArgumentException(
                    "initialStreamWindow: " + initialStreamWindow + " (expected: > 0)");
        }
        if (tunnelWindow < initialStreamWindow) {
            throw new IllegalArgumentException("tunnelWindow: " + tunnelWindow
                    + " (expected: >= initialStreamWindow " + initialStreamWindow + ")");
        }
    }

    public static TunnelSettings defaults() {
        return new TunnelSettings(PROTOCOL_VERSION, DEFAULT_MAX_FRAME_LENGTH,
                DEFAULT_INITIAL_STREAM_WINDOW, DEFAULT_TUNNEL_WINDOW, true);
    }
}
