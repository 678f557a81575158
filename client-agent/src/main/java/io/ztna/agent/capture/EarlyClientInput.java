package io.ztna.agent.capture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.ztna.proto.relay.ByteCounter;
import io.ztna.proto.relay.EarlyData;
import io.ztna.proto.relay.EarlyInbound;
import io.ztna.proto.relay.SocketStreamRelay;
import java.util.ArrayDeque;

/**
 * Bytes and EOF that a captured client sent before its flow was open, in order so that they
 * reach the destination first. A protocol handler feeds it from the moment the client's request
 * is decoded. A tunnel flow sends them on at once, as early data behind the OPEN
 * ({@link #sendThrough}); a direct flow keeps them until its connect. The caller that takes the
 * kept buffers over owns them, and {@link #release()} frees the rest. Confined to the client's
 * event loop.
 */
final class EarlyClientInput {

    /** Early bytes beyond which the client is not read until the flow is open. */
    static final int LIMIT_BYTES = 16 * 1024;

    private final ArrayDeque<ByteBuf> kept = new ArrayDeque<>();
    /** Bytes read before the relay started: those sent early and those kept. */
    private int keptBytes;
    /** Bytes sent as early data, at most {@link #LIMIT_BYTES}. */
    private int sentBytes;
    private boolean inputShutdown;
    private EarlyData sent;
    private ByteCounter counter = ByteCounter.NONE;

    /**
     * Keeps {@code data}, or sends it on the opening stream after {@link #sendThrough}; this
     * object owns it from now on.
     */
    void add(ByteBuf data) {
        keptBytes += data.readableBytes();
        if (sending()) {
            send(data);
        } else {
            kept.add(data);
        }
    }

    /**
     * Sends {@code data} as early data up to {@link #LIMIT_BYTES} in all, and keeps the rest
     * for the relay. Once a byte is kept, later bytes are kept too, so that order holds.
     */
    private void send(ByteBuf data) {
        int room = LIMIT_BYTES - sentBytes;
        if (!kept.isEmpty() || room == 0) {
            kept.add(data);
            return;
        }
        int length = Math.min(room, data.readableBytes());
        sentBytes += length;
        counter.up(length);
        if (length == data.readableBytes()) {
            sent.write(data);
            return;
        }
        sent.write(data.readRetainedSlice(length));
        kept.add(data);
    }

    /** Records the client's half-close (EOF) read before the relay started. */
    void markInputShutdown() {
        inputShutdown = true;
        if (sending() && kept.isEmpty()) {
            sent.fin();
        }
    }

    /**
     * Sends what is kept, and what arrives until the open settles, through {@code early} to the
     * opening stream, ahead of the open result, counting the bytes sent into {@code counter}.
     * At most {@link #LIMIT_BYTES} leave early, which bounds the copies that the agent and the
     * client gateway keep for a retry. The rest waits for the relay.
     */
    void sendThrough(EarlyData early, ByteCounter counter) {
        this.sent = early;
        this.counter = counter;
        ArrayDeque<ByteBuf> waiting = new ArrayDeque<>(kept);
        kept.clear();
        ByteBuf data;
        while ((data = waiting.poll()) != null) {
            send(data);
        }
        if (inputShutdown && kept.isEmpty()) {
            early.fin();
        }
    }

    private boolean sending() {
        return sent != null && !sent.isSettled();
    }

    boolean inputShutdown() {
        return inputShutdown;
    }

    /** Returns whether the client may be read on: no EOF yet and below {@link #LIMIT_BYTES}. */
    boolean wantsMore() {
        return !inputShutdown && keptBytes < LIMIT_BYTES;
    }

    /**
     * Returns the kept bytes for {@link SocketPairRelay#join}, which empties the queue and owns
     * what it takes.
     */
    ArrayDeque<ByteBuf> queue() {
        return kept;
    }

    /**
     * Moves the kept bytes and EOF into an {@link EarlyInbound} on the client's pipeline, the
     * form in which {@link SocketStreamRelay} takes over input read before it started. Call
     * just before the relay starts.
     */
    void handOverToStreamRelay(Channel client) {
        if (kept.isEmpty() && !inputShutdown) {
            return;
        }
        ChannelPipeline pipeline = client.pipeline();
        pipeline.addLast(new EarlyInbound());
        ByteBuf data;
        while ((data = kept.poll()) != null) {
            pipeline.fireChannelRead(data);
        }
        keptBytes = 0;
        if (inputShutdown) {
            pipeline.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    /** Releases the bytes still kept, for a flow that failed or a client that left. */
    void release() {
        ByteBuf data;
        while ((data = kept.poll()) != null) {
            data.release();
        }
        keptBytes = 0;
    }
}
