package io.ztna.proto.frame;

/**
 * A piece of a control message on stream 0 (steering policy, publisher presence, posture and
 * so on) in UTF-8 JSON. A message longer than one frame is split; every piece but the last has
 * {@code more} set, and the receiver joins them.
 */
public record ControlFrame(String json, boolean more) implements Frame {

    @Override
    public int streamId() {
        return 0;
    }

    @Override
    public FrameType type() {
        return FrameType.CONTROL;
    }

    @Override
    public String toString() {
        return "Control(length=" + json.length() + ", more=" + more + ")";
    }
}
