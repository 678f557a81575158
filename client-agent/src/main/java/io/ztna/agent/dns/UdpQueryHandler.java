package io.ztna.agent.dns;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.ztna.proto.log.LogLimiter;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers queries arriving as UDP datagrams. Malformed datagrams are dropped and counted.
 * An answer larger than the client accepts over UDP is replaced by a truncated one (TC set),
 * so the client asks again over TCP.
 */
@ChannelHandler.Sharable
final class UdpQueryHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger log = LoggerFactory.getLogger(UdpQueryHandler.class);

    private final QueryResolver resolver;
    private final MalformedQueries malformed;
    private final LogLimiter limiter;

    UdpQueryHandler(QueryResolver resolver, MalformedQueries malformed, LogLimiter limiter) {
        this.resolver = resolver;
        this.malformed = malformed;
        this.limiter = limiter;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress client = packet.sender();
        DnsQuery query;
        try {
            query = DnsQuery.parse(ByteBufUtil.getBytes(packet.content()));
        } catch (MalformedQueryException e) {
            malformed.record("udp", client, "dropped", e.getMessage());
            return;
        }
        resolver.resolve(query).thenAccept(answer -> {
            byte[] fitted = answer.length > query.maxUdpResponseSize()
                    ? LocalAnswers.truncated(query, answer) : answer;
            ctx.channel().writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(fitted), client));
        });
    }

    /** Logs socket errors, such as ICMP errors for earlier answers, and keeps serving. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        long suppressed = limiter.acquire("udp error");
        if (suppressed >= 0) {
            log.warn("DNS UDP socket error: address={} error=\"{}\" suppressed={}",
                    ctx.channel().localAddress(), cause.toString(), suppressed);
        }
    }
}
