package io.ztna.proto.frame;

/** Keepalive probe or, with {@code ack}, its answer echoing the same opaque value. */
public record PingFrame(long opaque, boolean ack) implements Frame {

    @Override
    public int streamId() {
        return 0;
    }

    @Override
    public FrameType type() {
        return FrameType.PING;
    }
}
