package io.ztna.proto.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads tunnel frames from the decrypted byte stream.
 *
 * <pre>
 * +-----------------------------------------------+---------------+
 * |                 Length (24)                   |   Type (8)    |
 * +---------------+-+---------------------------------------------+
 * |   Flags (8)   |R|              Stream Id (31)                 |
 * +---------------+-+---------------------------------------------+
 * |                   Payload (Length bytes) ...                  |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The length is checked against {@code maxFrameLength} as soon as the header is readable,
 * before the payload is waited for or allocated. A DATA payload is a retained slice of the
 * received bytes, so relays forward it without a copy. Any violation is raised as a
 * {@link DecoderException} whose cause is a {@link ProtocolException}; after that the decoder
 * discards all further input, since the tunnel is closing.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private final int maxFrameLength;
    private boolean failed;

    public FrameDecoder(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
        setCumulator(FrameDecoder::join);
    }

    /**
     * Joins the unread rest of the earlier input and the new input in a composite buffer,
     * without a copy. DATA payloads are retained slices of the input, so Netty's merging
     * cumulator copied the rest and the whole new input into a new buffer whenever a frame was
     * split over two reads, which with 16 KiB TLS records is most reads of a bulk flow. Only the
     * pieces of the unread rest are kept, flattened, so the composite holds the pieces of one
     * incomplete frame and the new input rather than a growing chain.
     */
    private static ByteBuf join(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        if (!cumulation.isReadable()) {
            cumulation.release();
            return in;
        }
        CompositeByteBuf joined = alloc.compositeBuffer(Integer.MAX_VALUE);
        if (cumulation instanceof CompositeByteBuf composite) {
            for (ByteBuf piece : composite.decompose(
                    composite.readerIndex(), composite.readableBytes())) {
                joined.addComponent(true, piece.retain());
            }
        } else {
            joined.addComponent(true, cumulation.retainedSlice());
        }
        cumulation.release();
        // addComponent releases the buffer itself when it fails.
        joined.addComponent(true, in);
        return joined;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            while (in.readableBytes() >= FrameHeader.LENGTH) {
                Frame frame = decodeOne(in);
                if (frame == null) {
                    return;
                }
                out.add(frame);
            }
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw new DecoderException(e);
        }
    }

    /** Returns the next frame, or null when its payload has not fully arrived yet. */
    private Frame decodeOne(ByteBuf in) throws ProtocolException {
        int start = in.readerIndex();
        int length = in.getUnsignedMedium(start);
        int typeCode = in.getUnsignedByte(start + 3);
        if (length > maxFrameLength) {
            throw new ProtocolException(ErrorCode.FRAME_SIZE_ERROR, "frame length " + length
                    + " exceeds maximum " + maxFrameLength + " (type " + typeCode + ")");
        }
        FrameType type = FrameType.fromCode(typeCode);
        if (type == null) {
            throw new ProtocolException(
                    ErrorCode.PROTOCOL_ERROR, "unknown frame type 0x" + Integer.toHexString(typeCode));
        }
        if (in.readableBytes() < FrameHeader.LENGTH + length) {
            return null;
        }
        int flags = in.getUnsignedByte(start + 4);
        int streamId = in.getInt(start + 5) & FrameHeader.STREAM_ID_MASK;
        in.skipBytes(FrameHeader.LENGTH);
        checkStreamId(type, streamId);
        ByteBuf payload = in.readSlice(length);
        return readPayload(type, flags, streamId, payload);
    }

    private static void checkStreamId(FrameType type, int streamId) throws ProtocolException {
        boolean tunnelScoped = switch (type) {
            case PING, GOAWAY, HELLO, CONTROL -> true;
            case WINDOW_UPDATE -> streamId == 0;
            default -> false;
        };
        if (tunnelScoped && streamId != 0) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                    type + " frame on stream " + streamId + " (expected: stream 0)");
        }
        if (!tunnelScoped && streamId == 0) {
            throw new ProtocolException(
                    ErrorCode.PROTOCOL_ERROR, type + " frame on stream 0 (expected: a stream id > 0)");
        }
    }

    private static Frame readPayload(FrameType type, int flags, int streamId, ByteBuf payload)
            throws ProtocolException {
        int length = payload.readableBytes();
        switch (type) {
            case DATA:
                return new DataFrame(streamId, payload.retain());
            case OPEN:
                return new OpenFrame(streamId, FlowMetadataCodec.read(payload));
            case OPEN_RESULT: {
                requireAtLeast(type, length, 1);
                int code = payload.readUnsignedByte();
                OpenResult result = OpenResult.fromCode(code);
                if (result == null) {
                    throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                            "unknown open result " + code + " on stream " + streamId);
                }
                return new OpenResultFrame(streamId, result, readText(payload));
            }
            case FIN:
                requireExactly(type, length, 0);
                return new FinFrame(streamId);
            case RESET: {
                requireAtLeast(type, length, 4);
                ErrorCode code = ErrorCode.fromCode(payload.readUnsignedInt());
                return new ResetFrame(streamId, code, readText(payload));
            }
            case WINDOW_UPDATE: {
                requireExactly(type, length, 4);
                int increment = payload.readInt();
                if (increment <= 0) {
                    throw new ProtocolException(ErrorCode.FLOW_CONTROL_ERROR, "window increment "
                            + Integer.toUnsignedString(increment) + " on stream " + streamId
                            + " (expected: 1 to 2147483647)");
                }
                return new WindowUpdateFrame(streamId, increment);
            }
            case PING:
                requireExactly(type, length, 8);
                return new PingFrame(payload.readLong(), (flags & FrameHeader.FLAG_ACK) != 0);
            case GOAWAY: {
                requireAtLeast(type, length, 8);
                int lastStreamId = payload.readInt() & FrameHeader.STREAM_ID_MASK;
                ErrorCode code = ErrorCode.fromCode(payload.readUnsignedInt());
                return new GoAwayFrame(lastStreamId, code, readText(payload));
            }
            case HELLO:
                return new HelloFrame(readSettings(payload));
            case CONTROL:
                return new ControlFrame(readText(payload), (flags & FrameHeader.FLAG_MORE) != 0);
            default:
                throw new ProtocolException(ErrorCode.INTERNAL_ERROR, "no reader for " + type);
        }
    }

    private static TunnelSettings readSettings(ByteBuf payload) throws ProtocolException {
        if (payload.readableBytes() % 6 != 0) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "HELLO length "
                    + payload.readableBytes() + " (expected: a multiple of 6)");
        }
        int version = -1;
        int maxFrameLength = TunnelSettings.DEFAULT_MAX_FRAME_LENGTH;
        int streamWindow = TunnelSettings.DEFAULT_INITIAL_STREAM_WINDOW;
        int tunnelWindow = TunnelSettings.DEFAULT_TUNNEL_WINDOW;
        boolean earlyData = false;
        while (payload.isReadable()) {
            int id = payload.readUnsignedShort();
            long value = payload.readUnsignedInt();
            if (value > Integer.MAX_VALUE) {
                throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                        "HELLO setting " + id + " value " + value + " (expected: <= 2147483647)");
            }
            switch (id) {
                case TunnelSettings.ID_PROTOCOL_VERSION -> version = (int) value;
                case TunnelSettings.ID_MAX_FRAME_LENGTH -> maxFrameLength = (int) value;
                case TunnelSettings.ID_INITIAL_STREAM_WINDOW -> streamWindow = (int) value;
                case TunnelSettings.ID_TUNNEL_WINDOW -> tunnelWindow = (int) value;
                case TunnelSettings.ID_EARLY_DATA -> {
                    if (value > 1) {
                        throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "HELLO setting "
                                + id + " (early data) value " + value + " (expected: 0 or 1)");
                    }
                    earlyData = value == 1;
                }
                default -> {
                    // Settings unknown to this version are ignored so that newer peers can add some.
                }
            }
        }
        if (version != TunnelSettings.PROTOCOL_VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "protocol version "
                    + version + " (expected: " + TunnelSettings.PROTOCOL_VERSION + ")");
        }
        try {
            return new TunnelSettings(
                    version, maxFrameLength, streamWindow, tunnelWindow, earlyData);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "HELLO " + e.getMessage());
        }
    }

    static String readText(ByteBuf payload) {
        String text = payload.toString(StandardCharsets.UTF_8);
        payload.skipBytes(payload.readableBytes());
        return text;
    }

    private static void requireExactly(FrameType type, int length, int expected)
            throws ProtocolException {
        if (length != expected) {
            throw new ProtocolException(ErrorCode.FRAME_SIZE_ERROR,
                    type + " frame length " + length + " (expected: " + expected + ")");
        }
    }

    private static void requireAtLeast(FrameType type, int length, int minimum)
            throws ProtocolException {
        if (length < minimum) {
            throw new ProtocolException(ErrorCode.FRAME_SIZE_ERROR,
                    type + " frame length " + length + " (expected: >= " + minimum + ")");
        }
    }
}
