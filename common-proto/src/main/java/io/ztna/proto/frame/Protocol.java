package io.ztna.proto.frame;

/** Transport protocol of a flow, as one byte in OPEN. */
public enum Protocol {
    TCP(6),
    UDP(17);

    private final int code;

    Protocol(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Protocol fromCode(int code) {
        return switch (code) {
            case 6 -> TCP;
            case 17 -> UDP;
            default -> null;
        };
    }
}
