package io.ztna.bench;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.StreamListener;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.mux.TunnelOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Two {@link Tunnel}s on {@link EmbeddedChannel}s joined back to back, as one TLS connection
 * between two tiers would join them but without TLS or sockets. {@link #pump()} moves the bytes
 * each side wrote to the other until both are quiet; nothing runs on its own.
 */
final class TunnelLink implements AutoCloseable {

    /** Upper bound on pump rounds, so a send loop that never ends fails instead of hanging. */
    private static final int MAX_PUMP_ROUNDS = 100_000;

    final EmbeddedChannel initiatorChannel = newChannel();
    final EmbeddedChannel acceptorChannel = newChannel();
    final Tunnel initiator;
    final Tunnel acceptor;

    /** Opens the link; {@code acceptorListener} takes every stream the initiator opens. */
    TunnelLink(StreamListener acceptorListener) {
        TunnelListener accepting = new TunnelListener() {
            @Override
            public void onStreamOpened(Tunnel tunnel, Stream stream) {
                stream.accept(acceptorListener);
            }
        };
        TunnelListener rejecting = new TunnelListener() {
            @Override
            public void onStreamOpened(Tunnel tunnel, Stream stream) {
                throw new IllegalStateException("the acceptor side opens no streams");
            }
        };
        initiator = new Tunnel(initiatorChannel, true, TunnelOptions.defaults(), rejecting,
                "acceptor").install();
        acceptor = new Tunnel(acceptorChannel, false, TunnelOptions.defaults(), accepting,
                "initiator").install();
        pump();
        if (!initiator.readyFuture().isSuccess() || !acceptor.readyFuture().isSuccess()) {
            throw new IllegalStateException("tunnels did not exchange HELLO");
        }
    }

    /** Opens a stream from the initiator and returns it once the acceptor accepted it. */
    Stream open(StreamListener initiatorListener) {
        Future<Stream> opened = initiator.open(FlowMetadata.tcp("bench.internal", 18000));
        pump();
        if (!opened.isSuccess()) {
            throw new IllegalStateException("stream open failed", opened.cause());
        }
        Stream stream = opened.getNow();
        stream.listen(initiatorListener);
        pump();
        return stream;
    }

    /** Runs pending tasks and moves bytes both ways until both sides are quiet. */
    void pump() {
        for (int round = 0; round < MAX_PUMP_ROUNDS; round++) {
            initiatorChannel.runPendingTasks();
            acceptorChannel.runPendingTasks();
            boolean moved = transfer(initiatorChannel, acceptorChannel);
            moved |= transfer(acceptorChannel, initiatorChannel);
            if (!moved && !initiatorChannel.hasPendingTasks()
                    && !acceptorChannel.hasPendingTasks()) {
                return;
            }
        }
        throw new IllegalStateException("tunnels still busy after " + MAX_PUMP_ROUNDS
                + " pump rounds");
    }

    private static EmbeddedChannel newChannel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        return channel;
    }

    private static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        List<Object> messages = new ArrayList<>();
        for (Object message; (message = from.readOutbound()) != null; ) {
            messages.add(message);
        }
        if (messages.isEmpty()) {
            return false;
        }
        if (to.isOpen()) {
            to.writeInbound(messages.toArray());
        } else {
            messages.forEach(ReferenceCountUtil::release);
        }
        return true;
    }

    @Override
    public void close() {
        initiatorChannel.finishAndReleaseAll();
        acceptorChannel.finishAndReleaseAll();
    }
}
