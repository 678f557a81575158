package io.ztna.proto.frame;

/** Half-close: the sender writes no more data on the stream but still reads. */
public record FinFrame(int streamId) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.FIN;
    }
}
