package io.ztna.agent.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.util.ReferenceCountUtil;

/**
 * A query as a client sent it: its bytes, which forwarding passes on unchanged apart from the
 * id, and the parts the server decides on.
 *
 * @param bytes the whole message; not copied, so callers must not change it
 * @param name the question's name as sent, with a trailing dot, such as
 *     {@code intranet.corp.internal.}
 * @param type the question's record type code, such as 1 for A
 * @param dnsClass the question's class code, 1 for IN
 * @param questionEnd offset of the first byte after the question
 * @param ednsPayloadSize the UDP payload size of the client's EDNS OPT record, or -1 without one
 */
record DnsQuery(byte[] bytes, int id, int opcode, boolean recursionDesired, String name,
        int type, int dnsClass, int questionEnd, int ednsPayloadSize) {

    static final int CLASS_IN = 1;

    /**
     * Parses a query.
     *
     * @throws MalformedQueryException when the message is shorter than a header, is a
     *     response (QR bit set), does not have exactly one question, or ends inside a name or
     *     record
     */
    static DnsQuery parse(byte[] bytes) throws MalformedQueryException {
        if (bytes.length < DnsPackets.HEADER_LENGTH) {
            throw new MalformedQueryException(bytes.length + " bytes is shorter than the "
                    + DnsPackets.HEADER_LENGTH + "-byte header");
        }
        int flags = DnsPackets.flags(bytes);
        if ((flags & DnsPackets.FLAG_QR) != 0) {
            throw new MalformedQueryException("QR bit set: a response, not a query");
        }
        int questions = DnsPackets.u16(bytes, 4);
        if (questions != 1) {
            throw new MalformedQueryException(questions + " questions (expected: 1)");
        }
        int records = DnsPackets.u16(bytes, 6) + DnsPackets.u16(bytes, 8);
        int additional = DnsPackets.u16(bytes, 10);
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            in.readerIndex(DnsPackets.HEADER_LENGTH);
            DnsQuestion question = DnsRecordDecoder.DEFAULT.decodeQuestion(in);
            int questionEnd = in.readerIndex();
            int payloadSize = -1;
            for (int i = 0; i < records + additional; i++) {
                DnsRecord record = DnsRecordDecoder.DEFAULT.decodeRecord(in);
                if (record == null) {
                    throw new MalformedQueryException("message ends inside record " + (i + 1));
                }
                try {
                    if (i >= records && record.type() == DnsRecordType.OPT) {
                        payloadSize = record.dnsClass();
                    }
                } finally {
                    ReferenceCountUtil.release(record);
                }
            }
            return new DnsQuery(bytes, DnsPackets.id(bytes),
                    (flags >>> DnsPackets.OPCODE_SHIFT) & DnsPackets.OPCODE_MASK,
                    (flags & DnsPackets.FLAG_RD) != 0, question.name(),
                    question.type().intValue(), question.dnsClass(), questionEnd, payloadSize);
        } catch (MalformedQueryException e) {
            throw e;
        } catch (Exception e) {
            // Netty's decoder throws CorruptedFrameException for bad names and
            // IndexOutOfBoundsException when the message ends early.
            throw new MalformedQueryException("not parseable: " + e);
        } finally {
            in.release();
        }
    }

    boolean hasEdns() {
        return ednsPayloadSize >= 0;
    }

    /** Returns the largest UDP response the client accepts: its EDNS size, at least 512. */
    int maxUdpResponseSize() {
        return Math.max(DnsPackets.CLASSIC_UDP_SIZE, ednsPayloadSize);
    }

    /** Returns the name and type for log lines, such as {@code intranet.corp.internal./1}. */
    String describe() {
        return name + "/" + DnsRecordType.valueOf(type).name();
    }
}
