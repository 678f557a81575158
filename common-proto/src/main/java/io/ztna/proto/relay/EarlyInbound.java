package io.ztna.proto.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayDeque;

/**
 * Keeps what a socket delivers before its flow is open: bytes, the peer's half-close and an
 * abrupt close. The epoll transport reads pending bytes and EOF when the peer half-closes even
 * with auto-read off, so an app that writes a banner and closes at once would otherwise lose
 * both. {@link SocketStreamRelay} takes over everything kept here when it starts.
 *
 * <p>Add it when the socket is created. Runs on the socket's event loop.
 */
public final class EarlyInbound extends ChannelInboundHandlerAdapter {

    private final ArrayDeque<Object> kept = new ArrayDeque<>(2);
    private boolean inputShutdown;
    private boolean inactive;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        kept.add(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Records a read error such as a connection reset. With half-closure allowed, Netty follows
     * it with an input shutdown, which must not pass for a clean EOF.
     *
     * <p>A {@link NotYetConnectedException} is not such an error: the epoll transport now and
     * then reads a socket whose connect is still in progress (about once in 20,000 app connects
     * in a load test on a 2-core machine) and leaves the socket open. The connect then
     * completes, or fails through its own future.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof NotYetConnectedException) {
            return;
        }
        inactive = true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    /** Removes and returns the kept messages; the caller owns them. */
    ArrayDeque<Object> takeMessages() {
        ArrayDeque<Object> messages = new ArrayDeque<>(kept);
        kept.clear();
        return messages;
    }

    boolean inputShutdown() {
        return inputShutdown;
    }

    /** True when the socket failed or closed before the relay started. */
    boolean inactive() {
        return inactive;
    }

    private void release() {
        Object msg;
        while ((msg = kept.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
