package io.ztna.proto.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes tunnel frames in the layout drawn in {@link FrameDecoder}. A DATA frame becomes a
 * 9-byte header buffer followed by the payload buffer itself, so payloads are never copied
 * here. Callers keep DATA payloads within the peer's maximum frame length.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToMessageEncoder<Frame> {

    public static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        if (frame instanceof DataFrame data) {
            ByteBuf payload = data.content();
            ByteBuf header = ctx.alloc().buffer(FrameHeader.LENGTH);
            writeHeader(header, payload.readableBytes(), FrameType.DATA, 0, data.streamId());
            out.add(header);
            out.add(payload.retain());
            return;
        }
        ByteBuf buf = ctx.alloc().buffer(FrameHeader.LENGTH + payloadCapacity(frame));
        buf.writerIndex(FrameHeader.LENGTH);
        int flags = writePayload(frame, buf);
        int length = buf.readableBytes() - FrameHeader.LENGTH;
        int end = buf.writerIndex();
        buf.writerIndex(0);
        writeHeader(buf, length, frame.type(), flags, frame.streamId());
        buf.writerIndex(end);
        out.add(buf);
    }

    private static void writeHeader(ByteBuf out, int length, FrameType type, int flags, int id) {
        out.writeMedium(length);
        out.writeByte(type.code());
        out.writeByte(flags);
        out.writeInt(id & FrameHeader.STREAM_ID_MASK);
    }

    private static int payloadCapacity(Frame frame) {
        return switch (frame.type()) {
            case OPEN -> FlowMetadataCodec.maxLength(((OpenFrame) frame).metadata());
            case CONTROL -> ByteBufUtil.utf8MaxBytes(((ControlFrame) frame).json());
            default -> 16 + 3 * FrameHeader.MAX_REASON_LENGTH;
        };
    }

    /** Writes the payload of a non-DATA frame and returns its flags byte. */
    private static int writePayload(Frame frame, ByteBuf out) {
        if (frame instanceof OpenFrame open) {
            FlowMetadataCodec.write(open.metadata(), out);
        } else if (frame instanceof OpenResultFrame result) {
            out.writeByte(result.result().code());
            writeReason(out, result.reason());
        } else if (frame instanceof ResetFrame reset) {
            out.writeInt((int) reset.code().code());
            writeReason(out, reset.reason());
        } else if (frame instanceof WindowUpdateFrame update) {
            out.writeInt(update.increment());
        } else if (frame instanceof PingFrame ping) {
            out.writeLong(ping.opaque());
            return ping.ack() ? FrameHeader.FLAG_ACK : 0;
        } else if (frame instanceof GoAwayFrame goAway) {
            out.writeInt(goAway.lastStreamId());
            out.writeInt((int) goAway.code().code());
            writeReason(out, goAway.reason());
        } else if (frame instanceof HelloFrame hello) {
            writeSettings(out, hello.settings());
        } else if (frame instanceof ControlFrame control) {
            out.writeCharSequence(control.json(), StandardCharsets.UTF_8);
            return control.more() ? FrameHeader.FLAG_MORE : 0;
        } else if (!(frame instanceof FinFrame)) {
            throw new IllegalArgumentException("unexpected frame " + frame);
        }
        return 0;
    }

    private static void writeSettings(ByteBuf out, TunnelSettings settings) {
        writeSetting(out, TunnelSettings.ID_PROTOCOL_VERSION, settings.protocolVersion());
        writeSetting(out, TunnelSettings.ID_MAX_FRAME_LENGTH, settings.maxFrameLength());
        writeSetting(out, TunnelSettings.ID_INITIAL_STREAM_WINDOW, settings.initialStreamWindow());
        writeSetting(out, TunnelSettings.ID_TUNNEL_WINDOW, settings.tunnelWindow());
        writeSetting(out, TunnelSettings.ID_EARLY_DATA, settings.earlyData() ? 1 : 0);
    }

    private static void writeSetting(ByteBuf out, int id, int value) {
        out.writeShort(id);
        out.writeInt(value);
    }

    /** Writes the reason cut to {@link FrameHeader#MAX_REASON_LENGTH} characters. */
    private static void writeReason(ByteBuf out, String reason) {
        if (reason == null || reason.isEmpty()) {
            return;
        }
        String text = reason.length() > FrameHeader.MAX_REASON_LENGTH
                ? reason.substring(0, FrameHeader.MAX_REASON_LENGTH)
                : reason;
        out.writeCharSequence(text, StandardCharsets.UTF_8);
    }
}
