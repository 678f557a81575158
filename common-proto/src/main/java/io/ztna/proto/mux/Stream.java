package io.ztna.proto.mux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One flow on a {@link Tunnel}.
 *
 * <p>Public methods may be called from any thread; they run on the tunnel's event loop, where
 * all state of the stream lives. Listener callbacks arrive on that loop too.
 *
 * <p>Sending: {@link #write} queues data that leaves in frames as the peer grants credit, per
 * stream and per tunnel. {@link #isWritable()} turns false while more than
 * {@link #WRITE_HIGH_WATER} bytes wait, and {@link StreamListener#onWritable} follows when the
 * queue drains below {@link #WRITE_LOW_WATER}; a relay stops reading its socket in between.
 *
 * <p>Receiving: the peer may send at most the receive window ahead of what this side
 * {@link #consumed consumed}. The window doubles, up to the tunnel's maximum stream window and
 * within the tunnel's growth budget, when the peer was close to running out of credit while the
 * consumer kept up, so windows follow the path instead of staying fixed.
 */
public final class Stream {

    static final int WRITE_HIGH_WATER = 128 * 1024;
    static final int WRITE_LOW_WATER = 32 * 1024;

    enum State { OPENING, AWAITING_ACCEPT, OPEN, CLOSED }

    private final Tunnel tunnel;
    private final int id;
    private final FlowMetadata metadata;
    private State state;
    private StreamListener listener;
    private ArrayDeque<Object> backlog;
    io.netty.util.concurrent.Promise<Stream> openPromise;
    /**
     * The timer that fails an unanswered open, cancelled once the open has an outcome, because a
     * pending timer keeps the stream and its relay reachable until it fires.
     */
    io.netty.util.concurrent.Future<?> openTimeout;

    // Sending side.
    long sendWindow;
    /** True from a send-window exhaustion until the next WINDOW_UPDATE, to count it once. */
    boolean sendStalled;
    private ArrayDeque<PendingWrite> pending;
    private final AtomicLong queuedBytes = new AtomicLong();
    private boolean finQueued;
    boolean finSent;
    boolean scheduled;

    // Receiving side.
    int recvWindowSize;
    long recvRemaining;
    int unackedBytes;
    long unconsumedBytes;
    boolean finReceived;

    Stream(Tunnel tunnel, int id, FlowMetadata metadata, State state, int sendWindow,
            int recvWindow) {
        this.tunnel = tunnel;
        this.id = id;
        this.metadata = metadata;
        this.state = state;
        this.sendWindow = sendWindow;
        this.recvWindowSize = recvWindow;
        this.recvRemaining = recvWindow;
    }

    public int id() {
        return id;
    }

    public Tunnel tunnel() {
        return tunnel;
    }

    public FlowMetadata metadata() {
        return metadata;
    }

    /** True while fewer than {@link #WRITE_HIGH_WATER} bytes wait to be sent. */
    public boolean isWritable() {
        return queuedBytes.get() < WRITE_HIGH_WATER;
    }

    /**
     * Queues data for the peer and takes ownership of {@code data}. The returned promise
     * completes when the last byte was written to the tunnel's channel, or fails when the stream
     * or tunnel closed first (the data is then released).
     */
    public ChannelPromise write(ByteBuf data) {
        ChannelPromise promise = tunnel.newPromise();
        queuedBytes.addAndGet(data.readableBytes());
        tunnel.execute(() -> doWrite(data, promise));
        return promise;
    }

    /** Half-closes the stream after the queued data: the peer reads EOF, this side still reads. */
    public void fin() {
        tunnel.execute(this::doFin);
    }

    /** Resets the stream in both directions; queued data is dropped. */
    public void reset(ErrorCode code, String reason) {
        tunnel.execute(() -> tunnel.resetStream(this, code, reason, false));
    }

    /**
     * Returns {@code bytes} of receive credit to the peer once data handed to
     * {@link StreamListener#onData} has been written onwards or dropped.
     */
    public void consumed(int bytes) {
        if (tunnel.inEventLoop()) {
            tunnel.consumed(this, bytes);
        } else {
            tunnel.execute(() -> tunnel.consumed(this, bytes));
        }
    }

    /** Accepts a stream the peer opened: sends CONNECTED and starts delivering events. */
    public void accept(StreamListener listener) {
        tunnel.execute(() -> tunnel.accept(this, listener));
    }

    /** Rejects a stream the peer opened with the given result; the stream is closed. */
    public void reject(OpenResult result, String reason) {
        tunnel.execute(() -> tunnel.reject(this, result, reason));
    }

    /**
     * Sets the listener of a stream this side opened, or of one the peer opened and this side
     * has not accepted yet, to read the peer's early data. Events that arrived meanwhile follow.
     */
    public void listen(StreamListener listener) {
        tunnel.execute(() -> setListener(listener));
    }

    @Override
    public String toString() {
        return "Stream(id=" + id + ", flow=" + metadata.flowId() + ", dst=" + metadata.destination()
                + ", state=" + state + ")";
    }

    // Everything below runs on the tunnel's event loop.

    State state() {
        return state;
    }

    void state(State state) {
        this.state = state;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    void setListener(StreamListener listener) {
        this.listener = listener;
        if (backlog == null) {
            return;
        }
        ArrayDeque<Object> events = backlog;
        backlog = null;
        for (Object event : events) {
            deliver(event);
        }
    }

    /** Passes an event to the listener, or keeps it until one is set. */
    void deliver(Object event) {
        if (listener == null) {
            if (backlog == null) {
                backlog = new ArrayDeque<>(4);
            }
            backlog.add(event);
            return;
        }
        if (event instanceof ByteBuf data) {
            listener.onData(this, data);
        } else if (event instanceof ResetEvent reset) {
            listener.onReset(this, reset.code(), reset.reason());
        } else {
            listener.onFin(this);
        }
    }

    void notifyWritable() {
        if (listener != null) {
            listener.onWritable(this);
        }
    }

    private void doWrite(ByteBuf data, ChannelPromise promise) {
        if (state == State.CLOSED || finQueued) {
            queuedBytes.addAndGet(-data.readableBytes());
            data.release();
            promise.tryFailure(new IllegalStateException(
                    "stream " + id + " is " + (finQueued ? "half-closed for writing" : "closed")));
            return;
        }
        if (pending == null) {
            pending = new ArrayDeque<>(4);
        }
        pending.add(new PendingWrite(data, promise));
        tunnel.schedule(this);
    }

    private void doFin() {
        if (state == State.CLOSED || finQueued) {
            return;
        }
        finQueued = true;
        if (pending == null) {
            pending = new ArrayDeque<>(1);
        }
        pending.add(PendingWrite.FIN);
        tunnel.schedule(this);
    }

    boolean hasPending() {
        return pending != null && !pending.isEmpty();
    }

    PendingWrite peekPending() {
        return pending.peek();
    }

    void pollPending() {
        pending.poll();
    }

    /** Records that {@code bytes} left the queue; returns true when writability came back. */
    boolean dequeued(int bytes) {
        long after = queuedBytes.addAndGet(-bytes);
        return after < WRITE_LOW_WATER && after + bytes >= WRITE_LOW_WATER;
    }

    /**
     * Drops the queued writes and fails their promises when the stream closes. Events waiting
     * for a listener stay queued when the stream ended with FIN both ways, so a listener set
     * later still reads all data. Otherwise only a reset stays queued and the data is released.
     * The failure cause is created only when a write is dropped, because filling in its stack
     * trace on every stream close was a measurable share of the flow-open cost.
     */
    void failPending() {
        if (pending != null) {
            PendingWrite write;
            ClosedChannelException cause = null;
            while ((write = pending.poll()) != null) {
                if (write != PendingWrite.FIN) {
                    if (cause == null) {
                        cause = new ClosedChannelException();
                    }
                    queuedBytes.addAndGet(-write.data().readableBytes());
                    write.data().release();
                    write.promise().tryFailure(cause);
                }
            }
        }
        if (backlog != null && !(finReceived && finSent)) {
            ArrayDeque<Object> events = backlog;
            backlog = null;
            for (Object event : events) {
                if (event instanceof ResetEvent) {
                    deliver(event);
                } else {
                    ReferenceCountUtil.release(event);
                }
            }
        }
    }

    boolean hasListener() {
        return listener != null;
    }

    record ResetEvent(ErrorCode code, String reason) {
    }

    /** Data waiting for credit, or the FIN marker that follows it. */
    record PendingWrite(ByteBuf data, ChannelPromise promise) {
        static final PendingWrite FIN = new PendingWrite(null, null);
    }

    static final Object FIN_EVENT = new Object() {
        @Override
        public String toString() {
            return "FIN";
        }
    };
}
