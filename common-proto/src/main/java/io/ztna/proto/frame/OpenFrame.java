package io.ztna.proto.frame;

/** Opens a stream for one flow; the peer answers with {@link OpenResultFrame}. */
public record OpenFrame(int streamId, FlowMetadata metadata) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.OPEN;
    }
}
