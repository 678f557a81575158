package io.ztna.proto.frame;

/**
 * A peer broke the tunnel protocol. The tunnel answers with GOAWAY carrying {@link #code()}
 * and the message as its reason, then closes; the process and other tunnels go on.
 */
public final class ProtocolException extends Exception {

    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
