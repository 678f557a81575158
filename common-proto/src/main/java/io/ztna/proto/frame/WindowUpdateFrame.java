package io.ztna.proto.frame;

/** Grants the peer more send credit, in bytes, for one stream or (stream 0) the whole tunnel. */
public record WindowUpdateFrame(int streamId, int increment) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.WINDOW_UPDATE;
    }
}
