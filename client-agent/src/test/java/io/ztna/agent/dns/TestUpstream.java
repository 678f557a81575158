package io.ztna.agent.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 for tests, built with Netty's DNS codec, on UDP and TCP at one
 * port. It answers A queries for the names given to {@link #addA}, NXDOMAIN for other names,
 * and over UDP only the TC bit and no records for names given to {@link #truncateOverUdp}.
 * It records what the agent's server sent it.
 */
final class TestUpstream implements AutoCloseable {

    static final long TTL = 300;
    private static final int BIND_ATTEMPTS = 20;

    private final Map<String, List<String>> addresses = new ConcurrentHashMap<>();
    private final Set<String> truncated = ConcurrentHashMap.newKeySet();
    private final AtomicInteger udpQueries = new AtomicInteger();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final AtomicInteger queriesWithOpt = new AtomicInteger();
    private volatile int lastId = -1;
    private Channel udp;
    private Channel tcp;

    /** Binds UDP on a free port, then TCP on the same port, trying a few ports. */
    TestUpstream start(EventLoopGroup group) throws InterruptedException {
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            udp = new Bootstrap().group(group).channel(Transports.datagramChannel())
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new DatagramDnsQueryDecoder(),
                                    new DatagramDnsResponseEncoder(), new UdpHandler());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            var tcpBind = new ServerBootstrap().group(group).channel(Transports.serverChannel())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new TcpDnsQueryDecoder(),
                                    new TcpDnsResponseEncoder(), new TcpHandler());
                        }
                    })
                    .bind(address()).await();
            if (tcpBind.isSuccess()) {
                tcp = tcpBind.channel();
                return this;
            }
            udp.close().sync();
        }
        throw new IllegalStateException("no port free for both UDP and TCP after "
                + BIND_ATTEMPTS + " attempts");
    }

    InetSocketAddress address() {
        return (InetSocketAddress) udp.localAddress();
    }

    /** Answers A queries for {@code name} with these addresses, each with TTL {@value #TTL}. */
    TestUpstream addA(String name, String... ipv4) {
        addresses.put(key(name), List.of(ipv4));
        return this;
    }

    /** Answers {@code name} over UDP with the TC bit and no records. */
    TestUpstream truncateOverUdp(String name) {
        truncated.add(key(name));
        return this;
    }

    int udpQueries() {
        return udpQueries.get();
    }

    int tcpQueries() {
        return tcpQueries.get();
    }

    int queriesWithOpt() {
        return queriesWithOpt.get();
    }

    /** Returns the id of the last query received, or -1 before any. */
    int lastId() {
        return lastId;
    }

    private static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    private void fill(DnsQuery query, DnsResponse response, boolean overUdp) {
        lastId = query.id();
        if (query.count(DnsSection.ADDITIONAL) > 0
                && query.recordAt(DnsSection.ADDITIONAL, 0).type() == DnsRecordType.OPT) {
            queriesWithOpt.incrementAndGet();
        }
        DnsQuestion question = query.recordAt(DnsSection.QUESTION);
        response.addRecord(DnsSection.QUESTION, question);
        response.setRecursionAvailable(true);
        String name = key(question.name());
        List<String> found = addresses.get(name);
        if (found == null) {
            response.setCode(DnsResponseCode.NXDOMAIN);
            return;
        }
        if (overUdp && truncated.contains(name)) {
            response.setTruncated(true);
            return;
        }
        if (question.type() == DnsRecordType.A) {
            for (String address : found) {
                response.addRecord(DnsSection.ANSWER, DnsMessages.aRecord(name, TTL, address));
            }
        }
    }

    @Override
    public void close() {
        if (tcp != null) {
            tcp.close().syncUninterruptibly();
        }
        if (udp != null) {
            udp.close().syncUninterruptibly();
        }
    }

    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            udpQueries.incrementAndGet();
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(),
                    query.sender(), query.id());
            fill(query, response, true);
            ctx.writeAndFlush(response);
        }
    }

    private final class TcpHandler extends SimpleChannelInboundHandler<DnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
            tcpQueries.incrementAndGet();
            DnsResponse response = new DefaultDnsResponse(query.id());
            fill(query, response, false);
            ctx.writeAndFlush(response);
        }
    }
}
