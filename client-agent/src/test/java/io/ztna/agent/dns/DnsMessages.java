package io.ztna.agent.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.util.NetUtil;

/** DNS messages for tests, encoded with Netty's DNS codec or written byte by byte. */
final class DnsMessages {

    private DnsMessages() {
    }

    static DnsRecord aRecord(String name, long ttl, String address) {
        return new DefaultDnsRawRecord(name, DnsRecordType.A, ttl,
                Unpooled.wrappedBuffer(NetUtil.createByteArrayFromIpAddressString(address)));
    }

    /** Returns the wire form of a response with one question and the given A answers. */
    static byte[] response(int id, String name, DnsRecordType type, DnsResponseCode rcode,
            long ttl, String... addresses) {
        DnsResponse response = new DefaultDnsResponse(id);
        response.setCode(rcode);
        response.setRecursionAvailable(true);
        response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
        for (String address : addresses) {
            response.addRecord(DnsSection.ANSWER, aRecord(name, ttl, address));
        }
        EmbeddedChannel channel = new EmbeddedChannel(new TcpDnsResponseEncoder());
        try {
            channel.writeOutbound(response);
            ByteBuf framed = channel.readOutbound();
            try {
                return ByteBufUtil.getBytes(framed, framed.readerIndex() + 2,
                        framed.readableBytes() - 2);
            } finally {
                framed.release();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * Returns a query written byte by byte: header, then one question for {@code name} and
     * {@code type} in class IN when {@code questions} is 1 or more.
     */
    static byte[] query(int id, int flags, int questions, String name, int type) {
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeShort(id).writeShort(flags).writeShort(questions).writeShort(0)
                    .writeShort(0).writeShort(0);
            for (int i = 0; i < questions; i++) {
                for (String label : name.split("\\.")) {
                    out.writeByte(label.length()).writeBytes(label.getBytes());
                }
                out.writeByte(0).writeShort(type).writeShort(1);
            }
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
