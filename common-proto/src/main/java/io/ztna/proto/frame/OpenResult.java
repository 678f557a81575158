package io.ztna.proto.frame;

/**
 * Outcome of a stream open, carried as one byte in OPEN_RESULT. Every failure names the reason
 * that the agent turns into a SOCKS reply code, an HTTP status or a TCP reset.
 */
public enum OpenResult {
    CONNECTED(0, 0x00),
    DENIED_BY_POLICY(1, 0x02),
    NO_PUBLISHER(2, 0x03),
    APP_REFUSED(3, 0x05),
    APP_UNREACHABLE(4, 0x04),
    DNS_FAILURE(5, 0x04),
    TIMED_OUT(6, 0x06),
    GOING_AWAY(7, 0x01),
    INTERNAL_ERROR(8, 0x01);

    private final int code;
    private final int socksReply;

    OpenResult(int code, int socksReply) {
        this.code = code;
        this.socksReply = socksReply;
    }

    public int code() {
        return code;
    }

    /** Returns the RFC 1928 section 6 reply code that tells a SOCKS5 client this outcome. */
    public int socksReply() {
        return socksReply;
    }

    /** Returns the result for a wire code, or null when the code names no known result. */
    public static OpenResult fromCode(int code) {
        for (OpenResult value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        return null;
    }
}
