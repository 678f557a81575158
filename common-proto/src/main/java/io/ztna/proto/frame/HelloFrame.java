package io.ztna.proto.frame;

/** First frame each side sends: the protocol version and the limits the sender accepts. */
public record HelloFrame(TunnelSettings settings) implements Frame {

    @Override
    public int streamId() {
        return 0;
    }

    @Override
    public FrameType type() {
        return FrameType.HELLO;
    }
}
