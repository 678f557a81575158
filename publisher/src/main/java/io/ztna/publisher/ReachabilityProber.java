package io.ztna.publisher;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.ztna.proto.config.HostAndPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes whether the apps of the {@code reachability} section are reachable from the
 * publisher. An app is up when at least one of its targets, resolved with the publisher's
 * {@link AppResolver}, accepts a TCP connection within the timeout, and the probe closes that
 * connection at once. All probes are non-blocking connects on one event loop, and a round takes
 * at most the timeout. Logs one line each time an app changes state.
 */
final class ReachabilityProber {

    private static final Logger log = LoggerFactory.getLogger(ReachabilityProber.class);

    private final List<ReachabilitySection.AppTargets> apps;
    private final AppResolver resolver;
    private final EventLoop loop;
    private final long timeoutMillis;
    private volatile Map<String, Boolean> current = Map.of();

    ReachabilityProber(ReachabilitySection section, AppResolver resolver, EventLoop loop) {
        this.apps = section.apps();
        this.resolver = resolver;
        this.loop = loop;
        this.timeoutMillis = section.timeout().toMillis();
    }

    /**
     * Returns the reachability by app name from the last round, or an empty map before the
     * first round ends.
     */
    Map<String, Boolean> current() {
        return current;
    }

    /**
     * Probes every app once. The future completes on the loop, within the timeout, with the
     * reachability by app name.
     */
    Future<Map<String, Boolean>> probe() {
        Promise<Map<String, Boolean>> done = loop.newPromise();
        loop.execute(() -> {
            List<Future<AppResult>> results = new ArrayList<>();
            for (ReachabilitySection.AppTargets app : apps) {
                results.add(probeApp(app));
            }
            whenAll(results, () -> done.setSuccess(record(results)));
        });
        return done;
    }

    private Map<String, Boolean> record(List<Future<AppResult>> results) {
        Map<String, Boolean> previous = current;
        Map<String, Boolean> next = new LinkedHashMap<>();
        for (int i = 0; i < apps.size(); i++) {
            String name = apps.get(i).name();
            AppResult result = results.get(i).getNow();
            next.put(name, result.up());
            if (Boolean.valueOf(result.up()).equals(previous.get(name))) {
                continue;
            }
            if (result.up()) {
                log.info("app reachable: app={} target={} connectMicros={}", name,
                        result.target(), result.connectNanos() / 1_000);
            } else {
                log.warn("app unreachable: app={} targets={} error=\"{}\"", name,
                        apps.get(i).targets(), result.error());
            }
        }
        current = Map.copyOf(next);
        return current;
    }

    /** Probes an app's targets in parallel. The app is up as soon as one target accepts. */
    private Future<AppResult> probeApp(ReachabilitySection.AppTargets app) {
        Promise<AppResult> result = loop.newPromise();
        List<Future<Long>> attempts = new ArrayList<>();
        for (HostAndPort target : app.targets()) {
            Future<Long> attempt = probeTarget(target);
            attempts.add(attempt);
            attempt.addListener(f -> {
                if (f.isSuccess()) {
                    result.trySuccess(new AppResult(true, target, (Long) f.getNow(), null));
                }
            });
        }
        whenAll(attempts, () -> {
            List<String> errors = new ArrayList<>();
            for (int i = 0; i < attempts.size(); i++) {
                errors.add(app.targets().get(i) + ": " + message(attempts.get(i).cause()));
            }
            result.trySuccess(new AppResult(false, null, -1, String.join("; ", errors)));
        });
        return result;
    }

    /**
     * Resolves and connects to one target; fails when both together take longer than the
     * timeout. A connect still running then ends by its own connect timeout.
     */
    private Future<Long> probeTarget(HostAndPort target) {
        Promise<Long> result = loop.newPromise();
        long startNanos = System.nanoTime();
        ScheduledFuture<?> deadline = loop.schedule(() -> result.tryFailure(new TimeoutException(
                "no connection within " + timeoutMillis + " ms")), timeoutMillis,
                TimeUnit.MILLISECONDS);
        result.addListener(f -> deadline.cancel(false));
        resolver.resolve(target.host(), loop).addListener(resolved -> {
            if (!resolved.isSuccess()) {
                result.tryFailure(resolved.cause());
                return;
            }
            if (result.isDone()) {
                return;
            }
            long leftMillis = timeoutMillis
                    - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            InetSocketAddress address = new InetSocketAddress(
                    (InetAddress) resolved.getNow(), target.port());
            TcpConnectCheck.connect(loop, address, (int) Math.max(1, leftMillis))
                    .addListener(connected -> {
                        if (connected.isSuccess()) {
                            result.trySuccess((Long) connected.getNow());
                        } else {
                            result.tryFailure(connected.cause());
                        }
                    });
        });
        return result;
    }

    /** Runs {@code action} on the loop once every future is done, or at once for none. */
    private static <T> void whenAll(List<Future<T>> futures, Runnable action) {
        if (futures.isEmpty()) {
            action.run();
            return;
        }
        int[] left = {futures.size()};
        for (Future<T> future : futures) {
            future.addListener(f -> {
                left[0]--;
                if (left[0] == 0) {
                    action.run();
                }
            });
        }
    }

    private static String message(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        return error.getMessage() == null ? error.toString() : error.getMessage();
    }

    /**
     * The outcome of probing one app.
     *
     * @param target the target that accepted, or null when none did
     * @param connectNanos that target's connect time, or -1
     * @param error every target's error, or null when the app is up
     */
    private record AppResult(boolean up, HostAndPort target, long connectNanos, String error) {
    }
}
