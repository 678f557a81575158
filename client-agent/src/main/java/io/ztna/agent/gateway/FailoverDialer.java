package io.ztna.agent.gateway;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.tunnel.Backoff;
import io.ztna.proto.tunnel.TunnelConnector;
import io.ztna.proto.tunnel.TunnelListenerFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one tunnel up to the closest reachable client gateway of an ordered list.
 *
 * <p>At start and every reevaluation interval the dialer measures the TCP connect time to
 * each gateway ({@link ConnectTimeProbe}), and tries gateways in {@link GatewayList#order()}:
 * by measured connect time, then config order. When the tunnel is lost or the gateway sends
 * GOAWAY, the next gateway not tried since the last stable tunnel is dialled at once. When
 * every gateway has been tried, the dialer waits a jittered exponential backoff and starts
 * over. A tunnel counts as stable after 10 s up, so a gateway that accepts the handshake and
 * then closes the tunnel at once, as one does for a user it does not list, is retried with
 * growing delays. A reevaluation that finds another gateway clearly closer (by more than 20 %
 * and more than 2 ms) dials it and, once it is up, drains the old tunnel with GOAWAY so that
 * its flows can finish.
 *
 * <p>State is confined to one event loop of the group. {@link #current()} and
 * {@link #status()} may be called from any thread.
 */
public final class FailoverDialer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FailoverDialer.class);

    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int PROBE_TIMEOUT_MILLIS = 2_000;
    static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A closer gateway must beat the current one by more than this and by 1/5 (20 %). */
    static final long SWITCH_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final EventLoop loop;
    private final GatewayList gateways;
    private final SslContext sslContext;
    private final TunnelOptions options;
    private final TunnelListenerFactory factory;
    private final Backoff backoff;
    private final long reevaluationMillis;
    private final Consumer<Tunnel> onReady;
    private final Set<Integer> triedSinceStable = new HashSet<>();
    private volatile Tunnel active;
    private volatile int activeIndex = -1;
    private long activeSinceNanos;
    private boolean dialing;
    private boolean probing;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> reevaluation;
    private volatile boolean closed;
    private volatile int socketMark;

    /**
     * @param gateways client gateways in config order
     * @param reevaluation time between connect-time measurements
     * @param onReady called on the tunnel's event loop each time a tunnel becomes the current
     *     one
     */
    public FailoverDialer(EventLoopGroup group, List<InetSocketAddress> gateways,
            SslContext sslContext, TunnelOptions options, TunnelListenerFactory factory,
            Backoff backoff, Duration reevaluation, Consumer<Tunnel> onReady) {
        this.loop = group.next();
        this.gateways = new GatewayList(gateways);
        this.sslContext = sslContext;
        this.options = options;
        this.factory = factory;
        this.backoff = backoff;
        this.reevaluationMillis = reevaluation.toMillis();
        this.onReady = onReady;
    }

    /**
     * Sets the socket mark (SO_MARK) of tunnels dialled from now on, so that transparent
     * capture rules leave them alone; 0 sets none.
     */
    public FailoverDialer socketMark(int mark) {
        this.socketMark = mark;
        return this;
    }

    /** Measures every gateway, dials the closest and schedules the reevaluations. */
    public void start() {
        loop.execute(() -> {
            probeAll(this::dialNext);
            reevaluation = loop.scheduleAtFixedRate(this::reevaluate, reevaluationMillis,
                    reevaluationMillis, TimeUnit.MILLISECONDS);
        });
    }

    /** Returns the tunnel that takes new flows now, or null while none is up. */
    public Tunnel current() {
        Tunnel tunnel = active;
        return tunnel != null && tunnel.isActive() ? tunnel : null;
    }

    /** Returns the address of the gateway of {@link #current()}, or null while none is up. */
    public InetSocketAddress currentGateway() {
        int index = activeIndex;
        return current() == null || index < 0 ? null : gateways.address(index);
    }

    /** Returns the configured gateways, in config order. */
    public List<InetSocketAddress> gateways() {
        List<InetSocketAddress> all = new ArrayList<>();
        for (int i = 0; i < gateways.size(); i++) {
            all.add(gateways.address(i));
        }
        return all;
    }

    /**
     * Returns one entry per configured gateway for status output, in config order. Each entry
     * has the address, the connect time measured last in microseconds ({@code rttMicros}), the
     * outcome of that measurement ({@code reachable}) and whether the gateway is current. Both
     * measurement fields are null before the first measurement, and the time is also null
     * after a failed one.
     */
    public List<Map<String, Object>> status() {
        InetSocketAddress current = currentGateway();
        int currentIndex = current == null ? -1 : activeIndex;
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < gateways.size(); i++) {
            long rtt = gateways.rttNanos(i);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("address", gateways.address(i).toString());
            entry.put("rttMicros", rtt >= 0 ? rtt / 1_000 : null);
            entry.put("reachable", rtt == GatewayList.UNMEASURED ? null : rtt >= 0);
            entry.put("current", i == currentIndex);
            entries.add(entry);
        }
        return entries;
    }

    private void probeAll(Runnable then) {
        probing = true;
        int[] pending = {gateways.size()};
        for (int i = 0; i < gateways.size(); i++) {
            int index = i;
            ConnectTimeProbe.measure(loop, gateways.address(i), PROBE_TIMEOUT_MILLIS)
                    .addListener(f -> {
                        gateways.record(index, f.isSuccess()
                                ? (Long) f.getNow() : GatewayList.UNREACHABLE);
                        pending[0]--;
                        if (pending[0] == 0) {
                            probing = false;
                            if (log.isDebugEnabled()) {
                                log.debug("client gateways measured: {}", status());
                            }
                            if (!closed) {
                                then.run();
                            }
                        }
                    });
        }
    }

    /** Dials the first gateway in order not tried since the last stable tunnel. */
    private void dialNext() {
        if (closed || dialing || active != null || retry != null) {
            return;
        }
        for (int index : gateways.order()) {
            if (!triedSinceStable.contains(index)) {
                dial(index);
                return;
            }
        }
        scheduleRetry();
    }

    private void dial(int index) {
        dialing = true;
        InetSocketAddress target = gateways.address(index);
        TunnelConnector.connect(loop, target, sslContext, options,
                (peer, channel) -> new FailoverListener(factory.create(peer, channel)),
                CONNECT_TIMEOUT_MILLIS, socketMark).addListener(f -> {
                    dialing = false;
                    if (f.isSuccess()) {
                        adopt((Tunnel) f.getNow(), index);
                        return;
                    }
                    triedSinceStable.add(index);
                    String error = f.cause().getMessage();
                    if (backoff.attempts() % 10 == 0) {
                        log.warn("client gateway connect failed: address={} round={} error=\"{}\"",
                                target, backoff.attempts() + 1, error);
                    } else {
                        log.debug("client gateway connect failed: address={} round={} "
                                + "error=\"{}\"", target, backoff.attempts() + 1, error);
                    }
                    dialNext();
                });
    }

    private void adopt(Tunnel tunnel, int index) {
        if (closed) {
            tunnel.shutdownGracefully("agent is shutting down");
            return;
        }
        Tunnel previous = active;
        int previousIndex = activeIndex;
        active = tunnel;
        activeIndex = index;
        activeSinceNanos = System.nanoTime();
        if (gateways.rttNanos(index) == GatewayList.UNREACHABLE) {
            // A tunnel just came up, so a failed earlier probe (such as one made before the
            // gateway listened) no longer holds; the next reevaluation measures it again.
            gateways.record(index, GatewayList.UNMEASURED);
        }
        long rtt = gateways.rttNanos(index);
        // The tunnel event reports the tunnel itself; a move between gateways is worth INFO.
        if (previous != null || log.isDebugEnabled()) {
            String line = "{} client gateway chosen: address={} peer={} connectRttMicros={} "
                    + "previous={}";
            Object[] args = {tunnel.channel().id().asShortText(), gateways.address(index),
                    tunnel.peer(), rtt >= 0 ? rtt / 1_000 : null,
                    previous == null ? null : gateways.address(previousIndex)};
            if (previous != null) {
                log.info(line, args);
            } else {
                log.debug(line, args);
            }
        }
        onReady.accept(tunnel);
        if (previous != null) {
            previous.shutdownGracefully("agent moved to the closer client gateway "
                    + gateways.address(index));
        }
    }

    /** Fails over from a tunnel that closed or received GOAWAY, unless it is no longer used. */
    private void lost(Tunnel tunnel, String reason) {
        if (tunnel != active) {
            return;
        }
        active = null;
        if (closed) {
            return;
        }
        long upNanos = System.nanoTime() - activeSinceNanos;
        if (upNanos >= STABLE_NANOS) {
            triedSinceStable.clear();
            backoff.reset();
        }
        triedSinceStable.add(activeIndex);
        log.warn("{} client gateway lost: address={} upMillis={} reason=\"{}\"",
                tunnel.channel().id().asShortText(), gateways.address(activeIndex),
                TimeUnit.NANOSECONDS.toMillis(upNanos), reason);
        dialNext();
    }

    private void scheduleRetry() {
        long delay = backoff.nextDelayMillis();
        int round = backoff.attempts();
        if (round == 1 || round % 10 == 0) {
            log.warn("no client gateway reachable: gateways={} round={} retryInMillis={}",
                    gateways(), round, delay);
        } else {
            log.debug("no client gateway reachable: gateways={} round={} retryInMillis={}",
                    gateways(), round, delay);
        }
        retry = loop.schedule(() -> {
            retry = null;
            triedSinceStable.clear();
            dialNext();
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void reevaluate() {
        if (closed || probing) {
            return;
        }
        probeAll(this::switchIfCloser);
    }

    /** Dials the closest gateway when it beats the current one's connect time clearly. */
    private void switchIfCloser() {
        if (active == null || dialing) {
            return;
        }
        int best = gateways.order().get(0);
        long bestRtt = gateways.rttNanos(best);
        long currentRtt = gateways.rttNanos(activeIndex);
        if (best == activeIndex || bestRtt < 0 || currentRtt < 0) {
            return;
        }
        long margin = Math.max(bestRtt / 5, SWITCH_MARGIN_NANOS);
        if (currentRtt - bestRtt <= margin) {
            return;
        }
        log.info("moving to a closer client gateway: from={} fromRttMicros={} to={} "
                        + "toRttMicros={}", gateways.address(activeIndex), currentRtt / 1_000,
                gateways.address(best), bestRtt / 1_000);
        dial(best);
    }

    /** Stops dialling and measuring, and drains the current tunnel with GOAWAY. */
    @Override
    public void close() {
        closed = true;
        loop.execute(() -> {
            if (retry != null) {
                retry.cancel(false);
            }
            if (reevaluation != null) {
                reevaluation.cancel(false);
            }
        });
        Tunnel tunnel = active;
        if (tunnel != null) {
            tunnel.shutdownGracefully("shutting down");
        }
    }

    /** Passes every event on, and fails over when the tunnel closes or the gateway drains it. */
    private final class FailoverListener implements TunnelListener {

        private final TunnelListener delegate;

        FailoverListener(TunnelListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onReady(Tunnel tunnel) {
            delegate.onReady(tunnel);
        }

        @Override
        public void onStreamOpened(Tunnel tunnel, Stream stream) {
            delegate.onStreamOpened(tunnel, stream);
        }

        @Override
        public void onControl(Tunnel tunnel, String json) {
            delegate.onControl(tunnel, json);
        }

        @Override
        public void onGoAway(Tunnel tunnel, ErrorCode code, String reason) {
            delegate.onGoAway(tunnel, code, reason);
            lost(tunnel, "GOAWAY " + code + ": " + reason);
        }

        @Override
        public void onClosed(Tunnel tunnel, String reason) {
            delegate.onClosed(tunnel, reason);
            lost(tunnel, reason);
        }
    }
}
