package io.ztna.lab;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on loopback UDP for tests, standing in for a publisher's resolver: it answers
 * A queries from a fixed map, TXT queries with the text {@code "from the test resolver"} for
 * names in the map, and NXDOMAIN for everything else.
 */
final class TestDnsServer implements AutoCloseable {

    static final String TXT = "from the test resolver";

    private final Channel channel;
    final AtomicInteger queries = new AtomicInteger();

    TestDnsServer(EventLoopGroup group, Map<String, byte[]> addresses) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(Transports.datagramChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(),
                                new DatagramDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx,
                                            DatagramDnsQuery query) {
                                        queries.incrementAndGet();
                                        ctx.writeAndFlush(answer(query, addresses));
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    private static DatagramDnsResponse answer(DatagramDnsQuery query,
            Map<String, byte[]> addresses) {
        DnsQuestion question = query.recordAt(DnsSection.QUESTION);
        String name = question.name().endsWith(".")
                ? question.name().substring(0, question.name().length() - 1) : question.name();
        byte[] address = addresses.get(name.toLowerCase());
        DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(),
                query.id());
        response.setRecursionAvailable(true);
        response.addRecord(DnsSection.QUESTION, question);
        if (address == null) {
            response.setCode(DnsResponseCode.NXDOMAIN);
        } else if (question.type() == DnsRecordType.A) {
            response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(),
                    DnsRecordType.A, 30, Unpooled.wrappedBuffer(address)));
        } else if (question.type() == DnsRecordType.TXT) {
            byte[] text = TXT.getBytes(StandardCharsets.US_ASCII);
            byte[] data = new byte[text.length + 1];
            data[0] = (byte) text.length;
            System.arraycopy(text, 0, data, 1, text.length);
            response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(),
                    DnsRecordType.TXT, 30, Unpooled.wrappedBuffer(data)));
        }
        return response;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
