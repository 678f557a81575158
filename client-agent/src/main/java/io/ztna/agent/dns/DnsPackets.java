package io.ztna.agent.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordType;

/**
 * Reads and patches DNS messages in their wire form (RFC 1035 section 4.1), so that answers can
 * be relayed byte for byte. Offsets and lengths are in bytes.
 */
final class DnsPackets {

    static final int HEADER_LENGTH = 12;
    static final int FLAG_QR = 0x8000;
    static final int FLAG_TC = 0x0200;
    static final int FLAG_RD = 0x0100;
    static final int FLAG_RA = 0x0080;
    static final int OPCODE_SHIFT = 11;
    static final int OPCODE_MASK = 0xF;
    static final int RCODE_MASK = 0x000F;
    /** The UDP payload size that a client without EDNS can receive (RFC 1035 section 2.3.4). */
    static final int CLASSIC_UDP_SIZE = 512;

    private DnsPackets() {
    }

    /** Section of a resource record in a message. */
    enum Section { ANSWER, AUTHORITY, ADDITIONAL }

    /** Receives each resource record of a message. */
    @FunctionalInterface
    interface RecordVisitor {

        /**
         * @param ttlOffset offset of the record's 32-bit TTL
         * @param dataOffset offset of its RDATA, {@code dataLength} bytes long
         */
        void visit(Section section, int type, int ttlOffset, int dataOffset, int dataLength);
    }

    static int u16(byte[] message, int offset) {
        return (message[offset] & 0xFF) << 8 | (message[offset + 1] & 0xFF);
    }

    static void putU16(byte[] message, int offset, int value) {
        message[offset] = (byte) (value >>> 8);
        message[offset + 1] = (byte) value;
    }

    static long u32(byte[] message, int offset) {
        return (long) u16(message, offset) << 16 | u16(message, offset + 2);
    }

    static void putU32(byte[] message, int offset, long value) {
        putU16(message, offset, (int) (value >>> 16));
        putU16(message, offset + 2, (int) value);
    }

    static int id(byte[] message) {
        return u16(message, 0);
    }

    static int flags(byte[] message) {
        return u16(message, 2);
    }

    static int rcode(byte[] message) {
        return flags(message) & RCODE_MASK;
    }

    static boolean isTruncated(byte[] message) {
        return (flags(message) & FLAG_TC) != 0;
    }

    /** Returns whether the message is long enough to have a header and has the QR bit set. */
    static boolean isResponse(byte[] message) {
        return message.length >= HEADER_LENGTH && (flags(message) & FLAG_QR) != 0;
    }

    /** Returns a copy of the message with another id. */
    static byte[] withId(byte[] message, int id) {
        byte[] copy = message.clone();
        putU16(copy, 0, id);
        return copy;
    }

    /**
     * Calls the visitor for each resource record after the question section, in order.
     *
     * @throws IllegalArgumentException when the message ends inside a record or a name
     */
    static void visitRecords(byte[] message, RecordVisitor visitor) {
        if (message.length < HEADER_LENGTH) {
            throw new IllegalArgumentException("message of " + message.length
                    + " bytes is shorter than the DNS header");
        }
        int questions = u16(message, 4);
        int[] counts = {u16(message, 6), u16(message, 8), u16(message, 10)};
        ByteBuf in = Unpooled.wrappedBuffer(message);
        try {
            in.readerIndex(HEADER_LENGTH);
            for (int i = 0; i < questions; i++) {
                DefaultDnsRecordDecoder.decodeName(in);
                in.skipBytes(4);
            }
            Section[] sections = Section.values();
            for (int s = 0; s < sections.length; s++) {
                for (int i = 0; i < counts[s]; i++) {
                    DefaultDnsRecordDecoder.decodeName(in);
                    int type = in.readUnsignedShort();
                    in.skipBytes(2);
                    int ttlOffset = in.readerIndex();
                    in.skipBytes(4);
                    int dataLength = in.readUnsignedShort();
                    int dataOffset = in.readerIndex();
                    in.skipBytes(dataLength);
                    visitor.visit(sections[s], type, ttlOffset, dataOffset, dataLength);
                }
            }
        } catch (IndexOutOfBoundsException | CorruptedFrameException e) {
            throw new IllegalArgumentException("malformed DNS message: " + e.getMessage(), e);
        } finally {
            in.release();
        }
    }

    /** Returns whether a record type is the EDNS OPT pseudo-record, which has no real TTL. */
    static boolean isOpt(int type) {
        return type == DnsRecordType.OPT.intValue();
    }
}
