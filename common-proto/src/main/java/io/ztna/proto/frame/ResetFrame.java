package io.ztna.proto.frame;

/** Aborts a stream in both directions; buffered data of the stream is discarded. */
public record ResetFrame(int streamId, ErrorCode code, String reason) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.RESET;
    }
}
