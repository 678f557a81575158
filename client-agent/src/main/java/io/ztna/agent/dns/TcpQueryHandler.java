package io.ztna.agent.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.ztna.proto.log.LogLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers queries on one TCP connection, each message framed by a two-byte length, which a
 * {@code LengthFieldBasedFrameDecoder} before this handler strips. Answers go out in the order
 * they are ready, which RFC 7766 allows. A malformed query closes the connection, and so does
 * the idle timeout of the {@code IdleStateHandler} before this handler.
 */
final class TcpQueryHandler extends SimpleChannelInboundHandler<ByteBuf> {

    private static final Logger log = LoggerFactory.getLogger(TcpQueryHandler.class);

    private final QueryResolver resolver;
    private final MalformedQueries malformed;
    private final LogLimiter limiter;

    TcpQueryHandler(QueryResolver resolver, MalformedQueries malformed, LogLimiter limiter) {
        this.resolver = resolver;
        this.malformed = malformed;
        this.limiter = limiter;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        DnsQuery query;
        try {
            query = DnsQuery.parse(ByteBufUtil.getBytes(frame));
        } catch (MalformedQueryException e) {
            malformed.record("tcp", ctx.channel().remoteAddress(), "closed the connection",
                    e.getMessage());
            ctx.close();
            return;
        }
        resolver.resolve(query).thenAccept(answer -> {
            ByteBuf framed = ctx.alloc().buffer(2 + answer.length);
            framed.writeShort(answer.length).writeBytes(answer);
            ctx.writeAndFlush(framed);
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        long suppressed = limiter.acquire("tcp error");
        if (suppressed >= 0) {
            log.warn("DNS TCP connection error, closing it: client={} error=\"{}\" "
                    + "suppressed={}", ctx.channel().remoteAddress(), cause.toString(),
                    suppressed);
        }
        ctx.close();
    }
}
