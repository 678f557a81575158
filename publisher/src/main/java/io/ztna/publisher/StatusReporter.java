package io.ztna.publisher;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.PublisherStatusMessage;
import io.ztna.proto.mux.Tunnel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the publisher's status (app reachability and active flows) to its publisher gateways:
 * on each tunnel as it comes up, and on every tunnel after each probe round, which runs once
 * per reachability interval. A change in reachability is therefore sent at the end of the
 * round that found it.
 */
final class StatusReporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusReporter.class);

    private final EventLoop loop;
    private final ReachabilityProber prober;
    private final Duration interval;
    private final IntSupplier activeFlows;
    private final Supplier<List<Tunnel>> tunnels;
    private ScheduledFuture<?> task;
    private boolean probing;

    /**
     * @param activeFlows returns the number of flows the publisher relays now
     * @param tunnels returns the gateway tunnels that take flows now
     */
    StatusReporter(EventLoop loop, ReachabilityProber prober, Duration interval,
            IntSupplier activeFlows, Supplier<List<Tunnel>> tunnels) {
        this.loop = loop;
        this.prober = prober;
        this.interval = interval;
        this.activeFlows = activeFlows;
        this.tunnels = tunnels;
    }

    /** Starts the first probe round now and one more every interval. */
    void start() {
        loop.execute(() -> task = loop.scheduleAtFixedRate(this::round, 0, interval.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    /** Sends the current status on a tunnel that just came up. */
    void tunnelUp(Tunnel tunnel) {
        tunnel.sendControl(ControlCodec.encode(status()));
    }

    private void round() {
        if (probing) {
            log.debug("probe round skipped: the previous round is still running");
            return;
        }
        probing = true;
        prober.probe().addListener(f -> {
            probing = false;
            String json = ControlCodec.encode(status());
            for (Tunnel tunnel : tunnels.get()) {
                tunnel.sendControl(json);
            }
        });
    }

    private PublisherStatusMessage status() {
        return new PublisherStatusMessage(prober.current(), activeFlows.getAsInt());
    }

    @Override
    public void close() {
        loop.execute(() -> {
            if (task != null) {
                task.cancel(false);
            }
        });
    }
}
