package io.ztna.proto.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes the OPEN payload: protocol (u8), port (u16), then fields as key (u8),
 * length (u16) and UTF-8 value. Unknown keys are skipped so that newer peers can add fields.
 */
final class FlowMetadataCodec {

    static final int KEY_HOST = 1;
    static final int KEY_FLOW_ID = 2;
    static final int KEY_USER = 3;
    static final int KEY_DEVICE = 4;
    static final int KEY_APP = 5;
    static final int KEY_PUBLISHER = 6;

    private FlowMetadataCodec() {
    }

    static void write(FlowMetadata metadata, ByteBuf out) {
        out.writeByte(metadata.protocol().code());
        out.writeShort(metadata.port());
        writeField(out, KEY_HOST, metadata.host());
        writeField(out, KEY_FLOW_ID, metadata.flowId());
        writeField(out, KEY_USER, metadata.user());
        writeField(out, KEY_DEVICE, metadata.device());
        writeField(out, KEY_APP, metadata.app());
        writeField(out, KEY_PUBLISHER, metadata.publisher());
    }

    static int maxLength(FlowMetadata metadata) {
        return 3 + fieldLength(metadata.host()) + fieldLength(metadata.flowId())
                + fieldLength(metadata.user()) + fieldLength(metadata.device())
                + fieldLength(metadata.app()) + fieldLength(metadata.publisher());
    }

    private static int fieldLength(String value) {
        return value == null ? 0 : 3 + ByteBufUtil.utf8MaxBytes(value);
    }

    private static void writeField(ByteBuf out, int key, String value) {
        if (value == null) {
            return;
        }
        out.writeByte(key);
        int lengthIndex = out.writerIndex();
        out.writeShort(0);
        int written = ByteBufUtil.writeUtf8(out, value);
        out.setShort(lengthIndex, written);
    }

    static FlowMetadata read(ByteBuf in) throws ProtocolException {
        if (in.readableBytes() < 3) {
            throw new ProtocolException(ErrorCode.FRAME_SIZE_ERROR,
                    "OPEN frame length " + in.readableBytes() + " (expected: >= 3)");
        }
        int protocolCode = in.readUnsignedByte();
        Protocol protocol = Protocol.fromCode(protocolCode);
        if (protocol == null) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                    "OPEN protocol " + protocolCode + " (expected: 6 for tcp or 17 for udp)");
        }
        int port = in.readUnsignedShort();
        String host = null;
        String flowId = null;
        String user = null;
        String device = null;
        String app = null;
        String publisher = null;
        while (in.isReadable()) {
            if (in.readableBytes() < 3) {
                throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "OPEN field header cut short");
            }
            int key = in.readUnsignedByte();
            int length = in.readUnsignedShort();
            if (length > in.readableBytes()) {
                throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "OPEN field " + key
                        + " length " + length + " exceeds the " + in.readableBytes() + " bytes left");
            }
            String value = in.readCharSequence(length, StandardCharsets.UTF_8).toString();
            switch (key) {
                case KEY_HOST -> host = value;
                case KEY_FLOW_ID -> flowId = value;
                case KEY_USER -> user = value;
                case KEY_DEVICE -> device = value;
                case KEY_APP -> app = value;
                case KEY_PUBLISHER -> publisher = value;
                default -> {
                    // Fields unknown to this version are skipped.
                }
            }
        }
        if (host == null) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "OPEN without a host field");
        }
        try {
            return new FlowMetadata(protocol, host, port, flowId, user, device, app, publisher);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "OPEN " + e.getMessage());
        }
    }
}
