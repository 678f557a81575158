package io.ztna.proto.frame;

/**
 * Error codes carried by RESET and GOAWAY frames as a 32-bit unsigned value. Codes that a
 * receiver does not know are read as {@link #UNKNOWN} and keep their wire value in logs.
 */
public enum ErrorCode {
    NO_ERROR(0x0),
    PROTOCOL_ERROR(0x1),
    INTERNAL_ERROR(0x2),
    FLOW_CONTROL_ERROR(0x3),
    STREAM_CLOSED(0x4),
    FRAME_SIZE_ERROR(0x5),
    REFUSED_STREAM(0x6),
    CANCEL(0x7),
    KEEPALIVE_TIMEOUT(0x8),
    UNSUPPORTED_VERSION(0x9),
    POLICY_REVOKED(0xa),
    PEER_GONE(0xb),
    APP_RESET(0xc),
    CLIENT_RESET(0xd),
    SHUTDOWN(0xe),
    UNKNOWN(0xffff_ffffL);

    private final long code;

    ErrorCode(long code) {
        this.code = code;
    }

    public long code() {
        return code;
    }

    public static ErrorCode fromCode(long code) {
        for (ErrorCode value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        return UNKNOWN;
    }
}
