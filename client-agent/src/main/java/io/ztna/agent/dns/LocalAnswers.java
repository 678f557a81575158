package io.ztna.agent.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsPtrRecord;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.util.List;

/**
 * Responses that the server builds itself: stub addresses, PTR names of stub addresses, and
 * answers without data (NOERROR with no records, SERVFAIL, NOTIMP). Each echoes the client's
 * question byte for byte, and carries an OPT record when the query had one.
 */
final class LocalAnswers {

    /**
     * The UDP payload size in the OPT record of local answers: 1232 bytes plus the 40-byte IPv6
     * and 8-byte UDP headers fit the 1280-byte minimum IPv6 MTU, so answers are not fragmented.
     */
    static final int EDNS_PAYLOAD_SIZE = 1232;

    private LocalAnswers() {
    }

    /** Returns an A or AAAA answer, chosen by the address family. */
    static byte[] address(DnsQuery query, InetAddress address, long ttlSeconds) {
        DnsRecordType type = address.getAddress().length == 4
                ? DnsRecordType.A : DnsRecordType.AAAA;
        DnsRecord record = new DefaultDnsRawRecord(query.name(), type, ttlSeconds,
                Unpooled.wrappedBuffer(address.getAddress()));
        return build(query, flags(query, 0), List.of(record));
    }

    /** Returns a PTR answer naming {@code hostName}. */
    static byte[] pointer(DnsQuery query, String hostName, long ttlSeconds) {
        DnsRecord record = new DefaultDnsPtrRecord(query.name(), DnsQuery.CLASS_IN, ttlSeconds,
                hostName + ".");
        return build(query, flags(query, 0), List.of(record));
    }

    /** Returns a response without records, such as NOERROR with no data or SERVFAIL. */
    static byte[] empty(DnsQuery query, int rcode) {
        return build(query, flags(query, rcode), List.of());
    }

    /**
     * Returns {@code response} cut down to its header and the question with the TC bit set,
     * so that the client repeats the query over TCP.
     */
    static byte[] truncated(DnsQuery query, byte[] response) {
        return build(query, DnsPackets.flags(response) | DnsPackets.FLAG_TC, List.of());
    }

    private static int flags(DnsQuery query, int rcode) {
        return DnsPackets.FLAG_QR | query.opcode() << DnsPackets.OPCODE_SHIFT
                | (query.recursionDesired() ? DnsPackets.FLAG_RD : 0) | DnsPackets.FLAG_RA
                | rcode;
    }

    /** Writes the message and releases the records. */
    private static byte[] build(DnsQuery query, int flags, List<DnsRecord> answers) {
        ByteBuf out = Unpooled.buffer(512);
        try {
            out.writeShort(query.id());
            out.writeShort(flags);
            out.writeShort(1);
            out.writeShort(answers.size());
            out.writeShort(0);
            out.writeShort(query.hasEdns() ? 1 : 0);
            out.writeBytes(query.bytes(), DnsPackets.HEADER_LENGTH,
                    query.questionEnd() - DnsPackets.HEADER_LENGTH);
            for (DnsRecord answer : answers) {
                DnsRecordEncoder.DEFAULT.encodeRecord(answer, out);
            }
            if (query.hasEdns()) {
                DnsRecordEncoder.DEFAULT.encodeRecord(new DefaultDnsRawRecord(".",
                        DnsRecordType.OPT, EDNS_PAYLOAD_SIZE, 0, Unpooled.EMPTY_BUFFER), out);
            }
            return ByteBufUtil.getBytes(out);
        } catch (Exception e) {
            // Netty's encoder declares Exception, but every record here is one it writes.
            throw new IllegalStateException("cannot encode a local DNS answer", e);
        } finally {
            out.release();
            answers.forEach(ReferenceCountUtil::release);
        }
    }
}
