package io.ztna.agent;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.ztna.agent.capture.FlowOpener;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.log.LogAddresses;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens flows on the current tunnel, and opens a flow once more on the next tunnel when the
 * first open fails with GOING_AWAY while the agent moves between client gateways.
 *
 * <p>GOING_AWAY means that no tunnel was up, the tunnel was draining, or it closed before the
 * open result. Only in the last case may an app have accepted a connection, and read the
 * flow's early bytes, that the second open repeats. Such a flow waits for a tunnel that takes
 * new streams, other than the one that returned GOING_AWAY, checking every
 * {@link #RECHECK_MILLIS}, for at most the failover wait, and then opens once more. Every
 * other result, and a second failure, fails the flow. Each attempt passes its stream to the
 * caller's open-sent callback, and the capture keeps the client's early bytes until the
 * returned future succeeds, so a retry sends them again and neither loses nor repeats them. A
 * wrapping {@link MeteredFlowOpener} counts one open per flow.
 */
final class FailoverFlowOpener implements FlowOpener {

    /**
     * Maximum wait, in milliseconds, for a tunnel that takes new streams after a GOING_AWAY.
     * A move to another client gateway took about 10 ms in the lab tests on an idle machine and
     * a few hundred under load. 5 s covers a slow TLS handshake, and a client still learns soon
     * enough that no gateway is reachable.
     */
    static final long MAX_FAILOVER_WAIT_MILLIS = 5_000;

    /** Time between checks for a tunnel that takes new streams, in milliseconds. */
    static final long RECHECK_MILLIS = 50;

    private static final Logger log = LoggerFactory.getLogger(FailoverFlowOpener.class);

    private final EventLoopGroup group;
    private final Supplier<Tunnel> tunnels;
    private final Supplier<String> gatewayNames;
    private final long failoverWaitMillis;

    /**
     * @param tunnels returns the current tunnel, or null while none is up
     * @param gatewayNames names the configured gateways in the error of a flow that found none
     * @param openTimeoutMillis the tunnel open timeout. The failover wait is the smaller of this
     *     and {@link #MAX_FAILOVER_WAIT_MILLIS}
     */
    FailoverFlowOpener(EventLoopGroup group, Supplier<Tunnel> tunnels,
            Supplier<String> gatewayNames, long openTimeoutMillis) {
        this.group = group;
        this.tunnels = tunnels;
        this.gatewayNames = gatewayNames;
        this.failoverWaitMillis = Math.min(MAX_FAILOVER_WAIT_MILLIS, openTimeoutMillis);
    }

    /** Returns true when an open that failed with {@code cause} may be retried on a new tunnel. */
    static boolean retries(Throwable cause) {
        return cause instanceof FlowOpenException failure
                && failure.result() == OpenResult.GOING_AWAY;
    }

    @Override
    public Future<Stream> open(FlowMetadata flow) {
        return open(flow, null);
    }

    @Override
    public Future<Stream> open(FlowMetadata flow, Consumer<Stream> openSent) {
        EventLoop loop = group.next();
        Promise<Stream> promise = loop.newPromise();
        loop.execute(() -> new Attempt(loop, flow, openSent, promise).start());
        return promise;
    }

    /** One flow's open and its single retry; confined to {@code loop}. */
    private final class Attempt {

        private final EventLoop loop;
        private final FlowMetadata flow;
        private final Consumer<Stream> openSent;
        private final Promise<Stream> promise;
        private Future<Stream> open;
        private Tunnel failed;
        private long deadlineNanos;

        Attempt(EventLoop loop, FlowMetadata flow, Consumer<Stream> openSent,
                Promise<Stream> promise) {
            this.loop = loop;
            this.flow = flow;
            this.openSent = openSent;
            this.promise = promise;
            promise.addListener(f -> {
                if (f.isCancelled() && open != null) {
                    open.cancel(false);
                }
            });
        }

        void start() {
            if (promise.isDone()) {
                return;
            }
            Tunnel tunnel = takingStreams();
            if (tunnel == null) {
                waitForTunnel(new FlowOpenException(OpenResult.GOING_AWAY,
                        "no tunnel to any client gateway of " + gatewayNames.get()));
                return;
            }
            openOn(tunnel, false);
        }

        private void openOn(Tunnel tunnel, boolean retry) {
            if (retry) {
                log.info("flow open retried on another client gateway: flow={} gateway={}",
                        flow.flowId(), LogAddresses.format(tunnel.channel().remoteAddress()));
            }
            Future<Stream> attempt = tunnel.open(flow, openSent);
            open = attempt;
            attempt.addListener(f -> loop.execute(() -> onOpenDone(tunnel, retry)));
        }

        private void onOpenDone(Tunnel tunnel, boolean retry) {
            if (open.isSuccess()) {
                if (!promise.trySuccess(open.getNow())) {
                    open.getNow().reset(ErrorCode.CLIENT_RESET,
                            "flow no longer wanted by the agent");
                }
                return;
            }
            if (!retry && retries(open.cause())) {
                failed = tunnel;
                waitForTunnel(open.cause());
                return;
            }
            promise.tryFailure(open.cause());
        }

        /** Checks for a tunnel now and every {@link #RECHECK_MILLIS} until the wait ends. */
        private void waitForTunnel(Throwable firstFailure) {
            deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(failoverWaitMillis);
            recheck(firstFailure);
        }

        private void recheck(Throwable firstFailure) {
            if (promise.isDone()) {
                return;
            }
            Tunnel tunnel = takingStreams();
            if (tunnel != null) {
                openOn(tunnel, true);
                return;
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                promise.tryFailure(new FlowOpenException(OpenResult.GOING_AWAY,
                        firstFailure.getMessage() + ". No other tunnel took new streams within "
                                + failoverWaitMillis + " ms"));
                return;
            }
            loop.schedule(() -> recheck(firstFailure), RECHECK_MILLIS, TimeUnit.MILLISECONDS);
        }

        /** Returns the current tunnel unless it takes no new streams or failed this flow. */
        private Tunnel takingStreams() {
            Tunnel tunnel = tunnels.get();
            boolean usable = tunnel != null && tunnel != failed && tunnel.acceptsNewStreams();
            return usable ? tunnel : null;
        }
    }
}
