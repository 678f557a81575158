package io.ztna.proto.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * Payload bytes of one stream. The frame owns its buffer: whoever takes the frame releases it,
 * or passes it on. Decoded payloads are slices of the received bytes, not copies.
 */
public final class DataFrame extends DefaultByteBufHolder implements Frame {

    private final int streamId;

    public DataFrame(int streamId, ByteBuf payload) {
        super(payload);
        this.streamId = streamId;
    }

    @Override
    public int streamId() {
        return streamId;
    }

    @Override
    public FrameType type() {
        return FrameType.DATA;
    }

    @Override
    public String toString() {
        return "Data(streamId=" + streamId + ", length=" + content().readableBytes() + ")";
    }
}
