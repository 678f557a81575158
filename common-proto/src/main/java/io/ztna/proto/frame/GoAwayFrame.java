package io.ztna.proto.frame;

/**
 * Tells the peer to open no more streams on this tunnel. Streams the receiver opened with ids
 * above {@code lastStreamId} were not processed and may be retried elsewhere.
 */
public record GoAwayFrame(int lastStreamId, ErrorCode code, String reason) implements Frame {

    @Override
    public int streamId() {
        return 0;
    }

    @Override
    public FrameType type() {
        return FrameType.GOAWAY;
    }
}
