package io.ztna.proto.frame;

/** Frame types with their one-byte wire codes, as laid out in docs/protocol.md. */
public enum FrameType {
    DATA(0x0),
    OPEN(0x1),
    OPEN_RESULT(0x2),
    FIN(0x3),
    RESET(0x4),
    WINDOW_UPDATE(0x5),
    PING(0x6),
    GOAWAY(0x7),
    HELLO(0x8),
    CONTROL(0x9);

    private static final FrameType[] BY_CODE = new FrameType[16];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Returns the type for a wire code, or null when the code names no known type. */
    public static FrameType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
