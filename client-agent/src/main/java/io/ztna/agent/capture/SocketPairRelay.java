package io.ztna.agent.capture;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/**
 * Relays between two connected sockets of the same event loop, for destinations that bypass the
 * tunnel. Each side reads only once its last write left, so neither side buffers more than one
 * read; EOF becomes a half-close of the other side, an abrupt close resets the other side.
 */
final class SocketPairRelay extends ChannelInboundHandlerAdapter {

    private final Channel peer;
    private SocketPairRelay peerRelay;
    private boolean inputDone;
    private boolean outputDone;
    private boolean finished;
    private ChannelFuture lastWrite;

    private SocketPairRelay(Channel peer) {
        this.peer = peer;
    }

    /** Joins two connected channels; both must use the same event loop. */
    static void join(Channel a, Channel b) {
        SocketPairRelay aSide = new SocketPairRelay(b);
        SocketPairRelay bSide = new SocketPairRelay(a);
        aSide.peerRelay = bSide;
        bSide.peerRelay = aSide;
        for (Channel channel : new Channel[] {a, b}) {
            channel.config().setAutoRead(false);
            channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        a.pipeline().addLast(aSide);
        b.pipeline().addLast(bSide);
        a.read();
        b.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ChannelFuture write = peer.writeAndFlush(msg);
        peerRelay.lastWrite = write;
        write.addListener(f -> {
            if (f.isSuccess()) {
                ctx.channel().read();
            } else {
                abort(ctx.channel());
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputDone = true;
            ChannelFuture pending = peerRelay.lastWrite;
            Runnable shutdown = () -> ((DuplexChannel) peer).shutdownOutput().addListener(f -> {
                peerRelay.outputDone = true;
                closeIfDone(ctx.channel());
            });
            if (pending == null || pending.isDone()) {
                shutdown.run();
            } else {
                pending.addListener(f -> shutdown.run());
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void closeIfDone(Channel self) {
        if (inputDone && outputDone && peerRelay.inputDone && peerRelay.outputDone) {
            finished = true;
            peerRelay.finished = true;
            self.close();
            peer.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        abort(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            abort(ctx.channel());
        }
    }

    private void abort(Channel self) {
        if (finished) {
            return;
        }
        finished = true;
        peerRelay.finished = true;
        if (peer.isActive()) {
            peer.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        peer.close();
        self.close();
    }
}
