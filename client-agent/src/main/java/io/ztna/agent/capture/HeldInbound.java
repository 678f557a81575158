package io.ztna.agent.capture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Keeps what a direct connection delivers before {@link SocketPairRelay} joins it: bytes, EOF
 * and a read error. The epoll transport reads pending bytes and EOF when the peer half-closes,
 * even with AUTO_READ off, so a server that sends a banner and closes at once would otherwise
 * lose both. Plays the part of {@code io.ztna.proto.relay.EarlyInbound}, whose kept messages
 * only {@code SocketStreamRelay} can take.
 *
 * <p>Runs on the channel's event loop. Buffers still kept when it leaves the pipeline are
 * released.
 */
final class HeldInbound extends ChannelInboundHandlerAdapter {

    private final ArrayDeque<ByteBuf> kept = new ArrayDeque<>(2);
    private boolean inputShutdown;
    private boolean failed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf data) {
            kept.add(data);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Records a read error; with half-closure allowed, Netty follows it with an EOF event. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failed = true;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        ByteBuf data;
        while ((data = kept.poll()) != null) {
            data.release();
        }
    }

    /** Returns the kept bytes; the caller empties the queue and owns what it takes. */
    ArrayDeque<ByteBuf> kept() {
        return kept;
    }

    boolean inputShutdown() {
        return inputShutdown && !failed;
    }

    boolean failed() {
        return failed;
    }
}
