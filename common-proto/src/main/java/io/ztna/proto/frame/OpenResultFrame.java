package io.ztna.proto.frame;

/** Answers an OPEN: {@link OpenResult#CONNECTED} or the reason the flow failed. */
public record OpenResultFrame(int streamId, OpenResult result, String reason) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.OPEN_RESULT;
    }
}
