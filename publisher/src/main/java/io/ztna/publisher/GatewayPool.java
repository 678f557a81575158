package io.ztna.publisher;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.tunnel.TunnelDialer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher's tunnels to its publisher gateways. It keeps tunnels to the {@code count}
 * configured gateways with the lowest measured RTT ({@link GatewaySelection}), measures every
 * gateway again at each reevaluation and moves a tunnel when another gateway is clearly closer.
 * A move opens the new tunnel first and drains the old one with GOAWAY once the new one is up.
 * A chosen gateway whose tunnel fails, is lost or receives GOAWAY is replaced at once by the
 * closest reachable spare. Without a spare its dialer retries with jittered backoff.
 *
 * <p>State is confined to one event loop; {@link #status()} and {@link #tunnels()} may be
 * called from any thread.
 */
final class GatewayPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayPool.class);

    /** Maximum wait for one RTT measurement, above the default probe's own timeout. */
    static final long MEASURE_DEADLINE_MILLIS = TcpGatewayRttProbe.TIMEOUT_MILLIS + 2_000;

    /** Creates the dialer of one gateway. The callbacks may run on any thread. */
    @FunctionalInterface
    interface DialerFactory {

        /**
         * @param onReady called with each tunnel that comes up
         * @param onDown called with the error after each failed attempt and each lost tunnel
         * @param onGoAway called with the code and reason when the gateway sends GOAWAY
         */
        TunnelDialer create(InetSocketAddress gateway, Consumer<Tunnel> onReady,
                Consumer<String> onDown, Consumer<String> onGoAway);
    }

    private final EventLoop loop;
    private final List<GatewayLink> links = new ArrayList<>();
    private final int count;
    private final Duration reevaluation;
    private final GatewayRttProbe probe;
    private final DialerFactory dialers;
    private final Consumer<Tunnel> onTunnelUp;
    private CompletableFuture<Void> lastRound = CompletableFuture.completedFuture(null);
    private ScheduledFuture<?> reevaluationTask;
    private volatile boolean closed;

    /**
     * @param count gateways to keep tunnels to, 1 to the number of {@code gateways}
     * @param onTunnelUp called on the pool's event loop with each tunnel that comes up
     */
    GatewayPool(EventLoop loop, List<InetSocketAddress> gateways, int count,
            Duration reevaluation, GatewayRttProbe probe, DialerFactory dialers,
            Consumer<Tunnel> onTunnelUp) {
        if (count < 1 || count > gateways.size()) {
            throw new IllegalArgumentException("count " + count + " (expected: 1 to "
                    + gateways.size() + ", the number of gateways)");
        }
        this.loop = loop;
        gateways.forEach(gateway -> links.add(new GatewayLink(gateway)));
        this.count = count;
        this.reevaluation = reevaluation;
        this.probe = probe;
        this.dialers = dialers;
        this.onTunnelUp = onTunnelUp;
    }

    /** Measures every gateway, opens tunnels to the closest and schedules reevaluations. */
    void start() {
        reevaluate("start");
        loop.execute(() -> reevaluationTask = loop.scheduleWithFixedDelay(
                () -> reevaluate("reevaluation"), reevaluation.toMillis(),
                reevaluation.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * Measures the RTT to every gateway and applies the selection. Rounds never overlap: a
     * round requested while one runs starts after it. The future completes once the selection
     * is applied, when new tunnels may still be connecting.
     */
    CompletableFuture<Void> reevaluate(String cause) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            lastRound = lastRound.thenCompose(previous -> measureAndSelect(cause))
                    .whenComplete((result, error) -> done.complete(null));
        });
        return done;
    }

    /** Returns whether at least one tunnel takes flows. */
    boolean isReady() {
        for (GatewayLink link : links) {
            if (link.serving() != null) {
                return true;
            }
        }
        return false;
    }

    /** Returns the tunnels that take flows now, chosen or waiting for their replacement. */
    List<Tunnel> tunnels() {
        List<Tunnel> tunnels = new ArrayList<>();
        for (GatewayLink link : links) {
            Tunnel tunnel = link.serving();
            if (tunnel != null) {
                tunnels.add(tunnel);
            }
        }
        return tunnels;
    }

    /** Returns every configured gateway with its state, in config order. */
    List<GatewayStatus> status() {
        List<GatewayStatus> status = new ArrayList<>();
        links.forEach(link -> status.add(link.status()));
        return status;
    }

    private CompletableFuture<Void> measureAndSelect(String cause) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.complete(null);
            return done;
        }
        Map<GatewayLink, Object> results = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> measurements = new ArrayList<>();
        for (GatewayLink link : links) {
            CompletableFuture<Long> measurement;
            try {
                measurement = probe.measure(link.address);
            } catch (RuntimeException e) {
                measurement = CompletableFuture.failedFuture(e);
            }
            measurements.add(measurement
                    .orTimeout(MEASURE_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
                    .handle((nanos, error) -> results.put(link, error == null ? nanos : error)));
        }
        CompletableFuture.allOf(measurements.toArray(CompletableFuture[]::new))
                .whenComplete((ignored, error) -> loop.execute(() -> {
                    try {
                        applyMeasurements(results);
                        select(cause);
                    } finally {
                        done.complete(null);
                    }
                }));
        return done;
    }

    private void applyMeasurements(Map<GatewayLink, Object> results) {
        for (GatewayLink link : links) {
            Object result = results.get(link);
            Throwable error = result instanceof Throwable failure ? failure : null;
            if (error instanceof TimeoutException) {
                error = new TimeoutException("no RTT measured within "
                        + MEASURE_DEADLINE_MILLIS + " ms");
            }
            boolean changed = link.recordMeasurement(error == null ? (Long) result : null,
                    error == null ? null : rootCause(error));
            if (error == null) {
                link.excluded = false;
            }
            if (changed && error == null) {
                log.info("publisher gateway reachable: gateway={} rttMicros={}", link.address,
                        link.measuredRttNanos() / 1_000);
            } else if (changed) {
                log.warn("publisher gateway unreachable: gateway={} error=\"{}\"", link.address,
                        link.measureError());
            }
        }
    }

    /**
     * Applies the selection: dials newly chosen gateways, closes dialers of dropped gateways
     * that have no tunnel up, and drains tunnels of dropped gateways once enough chosen
     * tunnels are up to replace them.
     */
    private void select(String cause) {
        if (closed) {
            return;
        }
        List<GatewaySelection.Candidate> candidates = new ArrayList<>();
        for (GatewayLink link : links) {
            candidates.add(new GatewaySelection.Candidate(link.address,
                    link.selectionRttNanos(), link.kept, link.excluded));
        }
        List<InetSocketAddress> chosen = GatewaySelection.choose(candidates, count);
        for (GatewayLink link : links) {
            boolean keep = chosen.contains(link.address);
            if (keep && !link.kept) {
                link.kept = true;
                log.info("publisher gateway chosen: gateway={} rttMicros={} cause=\"{}\" "
                        + "chosen={}", link.address, micros(link.selectionRttNanos()), cause,
                        describe(chosen));
                if (link.dialing == null) {
                    dial(link);
                }
            } else if (!keep && link.kept) {
                link.kept = false;
            }
        }
        int servingChosen = 0;
        List<GatewayLink> waiting = new ArrayList<>();
        for (GatewayLink link : links) {
            if (link.kept && link.serving() != null) {
                servingChosen++;
            } else if (!link.kept && link.dialing != null) {
                if (link.serving() == null) {
                    drop(link, cause);
                } else {
                    waiting.add(link);
                }
            }
        }
        waiting.sort(Comparator.comparingLong(GatewayLink::selectionRttNanos));
        int stay = Math.max(0, count - servingChosen);
        for (int i = stay; i < waiting.size(); i++) {
            drop(waiting.get(i), "replaced by " + describe(chosen));
        }
    }

    private void dial(GatewayLink link) {
        GatewayLink.Dialing dialing = new GatewayLink.Dialing();
        dialing.dialer = dialers.create(link.address,
                tunnel -> loop.execute(() -> tunnelUp(link, dialing, tunnel)),
                error -> loop.execute(() -> tunnelDown(link, dialing, error)),
                reason -> loop.execute(() -> goAway(link, dialing, reason)));
        link.dialing = dialing;
        dialing.dialer.start();
    }

    private void tunnelUp(GatewayLink link, GatewayLink.Dialing dialing, Tunnel tunnel) {
        if (link.dialing != dialing || closed) {
            tunnel.shutdownGracefully("publisher no longer uses this gateway");
            return;
        }
        dialing.tunnel = tunnel;
        onTunnelUp.accept(tunnel);
        select("tunnel to " + link.address + " up");
    }

    private void tunnelDown(GatewayLink link, GatewayLink.Dialing dialing, String error) {
        if (link.dialing != dialing || closed) {
            return;
        }
        dialing.tunnel = null;
        replaceIfSpare(link, "tunnel to " + link.address + " failed: " + error);
    }

    private void goAway(GatewayLink link, GatewayLink.Dialing dialing, String reason) {
        if (link.dialing != dialing || closed) {
            return;
        }
        replaceIfSpare(link, "publisher gateway " + link.address + " sent GOAWAY " + reason);
    }

    /**
     * Replaces a gateway that failed by the closest reachable spare, when there is one.
     * Without a spare the gateway's dialer keeps retrying, because a failing gateway is the
     * only candidate left for its slot.
     */
    private void replaceIfSpare(GatewayLink failed, String cause) {
        if (!failed.kept) {
            drop(failed, cause);
            select(cause);
            return;
        }
        for (GatewayLink link : links) {
            if (link != failed && !link.kept && !link.excluded
                    && link.selectionRttNanos() >= 0) {
                failed.excluded = true;
                select(cause);
                return;
            }
        }
        log.debug("no spare publisher gateway: gateway={} cause=\"{}\"", failed.address, cause);
    }

    /** Stops dialing a gateway. A tunnel to it that is up drains its flows with GOAWAY. */
    private void drop(GatewayLink link, String cause) {
        GatewayLink.Dialing dialing = link.dialing;
        if (dialing == null) {
            return;
        }
        link.dialing = null;
        link.kept = false;
        Tunnel tunnel = dialing.tunnel;
        log.info("publisher gateway dropped: gateway={} rttMicros={} streams={} cause=\"{}\"",
                link.address, micros(link.selectionRttNanos()),
                tunnel == null ? 0 : tunnel.streamCount(), cause);
        if (tunnel != null && tunnel.isActive()) {
            link.draining = tunnel;
            tunnel.shutdownGracefully("publisher dropped this gateway: " + cause);
            tunnel.channel().closeFuture().addListener(f -> loop.execute(() -> {
                if (link.draining == tunnel) {
                    link.draining = null;
                }
            }));
        }
        dialing.dialer.close();
    }

    private String describe(List<InetSocketAddress> chosen) {
        List<String> parts = new ArrayList<>();
        for (InetSocketAddress address : chosen) {
            for (GatewayLink link : links) {
                if (link.address.equals(address)) {
                    parts.add(address + "@" + micros(link.selectionRttNanos()) + "us");
                }
            }
        }
        return parts.toString();
    }

    private static long micros(long nanos) {
        return nanos < 0 ? -1 : nanos / 1_000;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Stops measuring and dialing and drains every tunnel with GOAWAY. Waits up to two seconds
     * for the pool's event loop to take the request.
     */
    @Override
    public void close() {
        closed = true;
        if (loop.inEventLoop()) {
            closeDialers();
        } else {
            loop.submit(this::closeDialers).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    private void closeDialers() {
        if (reevaluationTask != null) {
            reevaluationTask.cancel(false);
        }
        for (GatewayLink link : links) {
            GatewayLink.Dialing dialing = link.dialing;
            if (dialing != null) {
                dialing.dialer.close();
            }
        }
    }
}
