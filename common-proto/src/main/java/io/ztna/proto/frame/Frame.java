package io.ztna.proto.frame;

/** One tunnel frame. Only {@link DataFrame} holds a buffer; every other frame is a plain value. */
public sealed interface Frame
        permits DataFrame, OpenFrame, OpenResultFrame, FinFrame, ResetFrame, WindowUpdateFrame,
                PingFrame, GoAwayFrame, HelloFrame, ControlFrame {

    /** Stream the frame belongs to; 0 for frames that concern the whole tunnel. */
    int streamId();

    FrameType type();
}
