package io.ztna.agent.posture;

import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.PostureMessage;
import io.ztna.proto.control.ReauthChallengeMessage;
import io.ztna.proto.control.ReauthResponseMessage;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.posture.DevicePosture;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the device's posture to the client gateway and responds to its re-authentication
 * challenges. Posture is sent when a tunnel becomes ready, whenever a collection every
 * {@code checkInterval} finds it changed from what was last sent on that tunnel, and after
 * {@code reportInterval} without a report. The response to a challenge carries fresh posture
 * and the nonce signed by the device key.
 *
 * <p>All collection, signing and per-tunnel state live on one daemon thread of this reporter,
 * so a slow check never blocks an event loop. Tasks run in order, so a challenge waits for a
 * collection already running. Public methods may be called from any thread.
 */
public final class PostureReporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostureReporter.class);
    private static final long CLOSE_TIMEOUT_MILLIS = 2_000;

    /** A step run on the reporter's thread; interruption means the reporter is closing. */
    private interface Task {
        void run() throws InterruptedException;
    }

    private final PostureCollector collector;
    private final DeviceKey deviceKey;
    private final long checkIntervalMillis;
    private final long reportIntervalNanos;
    private final ScheduledExecutorService executor;

    // Confined to the reporter's thread.
    private Tunnel tunnel;
    private DevicePosture sentOnTunnel;
    private long sentAtNanos;

    private volatile DevicePosture lastSent;
    private volatile Instant lastReauth;

    public PostureReporter(PostureSection section, PostureCollector collector,
            DeviceKey deviceKey) {
        this.collector = collector;
        this.deviceKey = deviceKey;
        this.checkIntervalMillis = section.checkInterval().toMillis();
        this.reportIntervalNanos = section.reportInterval().toNanos();
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "posture-collector");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the periodic collection; reports wait for {@link #tunnelReady}. */
    public PostureReporter start() {
        executor.scheduleWithFixedDelay(() -> runGuarded("periodic check", this::checkForChange),
                checkIntervalMillis, checkIntervalMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Reports posture on a tunnel that just became ready; later checks report on it. */
    public void tunnelReady(Tunnel ready) {
        submit("report on tunnel ready", () -> reportOnReady(ready));
    }

    /** Responds to a re-authentication challenge that arrived on {@code on}. */
    public void respond(Tunnel on, ReauthChallengeMessage challenge) {
        submit("re-authentication response", () -> respondToChallenge(on, challenge));
    }

    /** Returns the posture last sent on any tunnel, or null before the first report. */
    public DevicePosture lastSent() {
        return lastSent;
    }

    /** Returns when the last re-authentication response was sent, or null before the first. */
    public Instant lastReauth() {
        return lastReauth;
    }

    private void reportOnReady(Tunnel ready) throws InterruptedException {
        tunnel = ready;
        sentOnTunnel = null;
        reportFirst(ready, collector.collect());
    }

    private void reportFirst(Tunnel on, DevicePosture posture) {
        send(on, posture);
        log.info("{} posture sent: reason=tunnel-ready {}", id(on),
                PostureChanges.summary(posture));
    }

    private void checkForChange() throws InterruptedException {
        Tunnel current = tunnel;
        if (current == null || !current.isActive()) {
            return;
        }
        DevicePosture posture = collector.collect();
        if (sentOnTunnel == null) {
            // The first report on this tunnel failed before it was sent.
            reportFirst(current, posture);
            return;
        }
        List<String> changed = PostureChanges.between(sentOnTunnel, posture);
        if (!changed.isEmpty()) {
            send(current, posture);
            log.info("{} posture sent: reason=changed fields={} {}", id(current), changed,
                    PostureChanges.summary(posture));
        } else if (System.nanoTime() - sentAtNanos >= reportIntervalNanos) {
            send(current, posture);
            log.debug("{} posture sent: reason=periodic {}", id(current),
                    PostureChanges.summary(posture));
        }
    }

    private void respondToChallenge(Tunnel on, ReauthChallengeMessage challenge)
            throws InterruptedException {
        if (challenge.nonce() == null || challenge.nonce().isEmpty()) {
            log.warn("{} re-authentication challenge ignored: the nonce is missing", id(on));
            return;
        }
        DevicePosture posture = collector.collect();
        String signature;
        try {
            signature = deviceKey.sign(challenge.nonce());
        } catch (GeneralSecurityException e) {
            log.error("{} no re-authentication response sent: signing with the device key failed:"
                    + " error=\"{}\"", id(on), e.getMessage());
            return;
        }
        // Recorded first, so that the status already shows it when the gateway receives it.
        // The response carries posture, so it counts as this tunnel's latest report.
        lastReauth = Instant.now();
        recordSent(on, posture);
        on.sendControl(ControlCodec.encode(
                new ReauthResponseMessage(challenge.nonce(), signature, posture)));
        log.info("{} re-authentication response sent: deadline={}", id(on),
                Instant.ofEpochMilli(challenge.deadlineMillis()));
    }

    private void send(Tunnel on, DevicePosture posture) {
        recordSent(on, posture);
        on.sendControl(ControlCodec.encode(new PostureMessage(posture)));
    }

    private void recordSent(Tunnel on, DevicePosture posture) {
        lastSent = posture;
        if (on == tunnel) {
            sentOnTunnel = posture;
            sentAtNanos = System.nanoTime();
        }
    }

    private void submit(String what, Task task) {
        try {
            executor.execute(() -> runGuarded(what, task));
        } catch (RejectedExecutionException e) {
            log.debug("posture task dropped, the reporter is closed: task={}", what);
        }
    }

    /** Runs a task, logging what it throws so that periodic checks keep running. */
    private static void runGuarded(String what, Task task) {
        try {
            task.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("posture task failed: task={}", what, e);
        }
    }

    private static String id(Tunnel tunnel) {
        return tunnel.channel().id().asShortText();
    }

    /** Stops collecting; a command check still running is killed. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                log.warn("posture collector thread did not stop within {} ms",
                        CLOSE_TIMEOUT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
