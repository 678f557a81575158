package io.ztna.agent.capture;

import io.netty.util.concurrent.Future;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.relay.ByteCounter;
import io.ztna.proto.relay.RelaySummary;
import java.util.function.Consumer;

/**
 * Opens flows through the agent's tunnel, whichever tunnel is current.
 *
 * <p>The returned future succeeds once the publisher has connected to the app, and fails with
 * {@link io.ztna.proto.mux.FlowOpenException} naming the {@link io.ztna.proto.frame.OpenResult}
 * otherwise. It may complete on any thread. A caller that loses interest cancels the future.
 * An implementation that cannot cancel still completes it, so the caller resets a stream that
 * arrives after it lost interest.
 */
@FunctionalInterface
public interface FlowOpener {

    /** Starts opening {@code flow} and returns at once, without blocking. */
    Future<Stream> open(FlowMetadata flow);

    /**
     * Starts opening {@code flow} as {@link #open(FlowMetadata)} does, and passes the stream of
     * each attempt to {@code openSent} as soon as its OPEN is written, on the tunnel's event
     * loop, so that the client's early bytes can follow it. The default never calls it; the
     * capture then writes them once the open succeeded.
     */
    default Future<Stream> open(FlowMetadata flow, Consumer<Stream> openSent) {
        return open(flow);
    }

    /** Returns where the relay of an opened flow counts its bytes as they move. */
    default ByteCounter bytes() {
        return ByteCounter.NONE;
    }

    /**
     * Reports the end of a flow whose open succeeded, once: when its relay completed, or when
     * the stream was reset before a relay started. The default does nothing.
     */
    default void finished(RelaySummary summary) {
    }
}
