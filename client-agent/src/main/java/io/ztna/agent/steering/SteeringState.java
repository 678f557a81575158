package io.ztna.agent.steering;

import io.ztna.agent.capture.Steering;
import io.ztna.proto.frame.Protocol;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.policy.SteeringPolicy.SteeredApp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steering policy in force on this agent. It only steers: the client gateway decides every
 * flow again, so a destination wrongly steered into the tunnel is denied there. Until the first
 * policy arrives, every destination goes to the tunnel. A destination blocked by an entry whose
 * rule has the notify action adds a notice to {@link #notices()}. Thread-safe.
 */
public final class SteeringState implements Steering {

    private static final Logger log = LoggerFactory.getLogger(SteeringState.class);

    private final boolean uncoveredDirect;
    private final Notices notices;
    private final List<Consumer<SteeringPolicy>> listeners = new CopyOnWriteArrayList<>();
    private volatile SteeringPolicy policy;

    /** @param uncoveredDirect whether destinations no app covers are connected directly */
    public SteeringState(boolean uncoveredDirect) {
        this(uncoveredDirect, new Notices());
    }

    public SteeringState(boolean uncoveredDirect, Notices notices) {
        this.uncoveredDirect = uncoveredDirect;
        this.notices = notices;
    }

    /**
     * Replaces the policy. Flows already open are not affected: the gateway resets those that
     * policy no longer allows. Logs one line for the load and one per app added, changed or
     * removed, so that the log shows what the device steers.
     */
    public synchronized void apply(SteeringPolicy next) {
        SteeringPolicy previous = policy;
        policy = next;
        if (previous != null && previous.sameEntries(next)) {
            log.debug("steering policy unchanged: version={}", next.version());
            return;
        }
        listeners.forEach(listener -> listener.accept(next));
        log.info("steering policy loaded: version={} apps={} blocked={} previousVersion={}",
                next.version(), next.apps().size(), next.blocked().size(),
                previous == null ? null : previous.version());
        logChanges("steering app", previous == null ? null : byName(previous.apps()),
                byName(next.apps()));
        logChanges("blocked app", previous == null ? null : byName(previous.blocked()),
                byName(next.blocked()));
    }

    private static void logChanges(String kind, Map<String, SteeredApp> before,
            Map<String, SteeredApp> after) {
        for (SteeredApp app : after.values()) {
            SteeredApp old = before == null ? null : before.get(app.name());
            if (old == null || !old.equals(app)) {
                log.info("{} {}: name={} hosts={} protocols={}{}", kind,
                        old == null ? "added" : "changed", app.name(), app.hosts(),
                        app.protocols(), app.rule() == null ? ""
                                : " rule=" + app.rule() + " notify=" + app.notifyUser());
            }
        }
        if (before != null) {
            for (SteeredApp app : before.values()) {
                if (!after.containsKey(app.name())) {
                    log.info("{} removed: name={}", kind, app.name());
                }
            }
        }
    }

    private static Map<String, SteeredApp> byName(Iterable<SteeredApp> apps) {
        Map<String, SteeredApp> map = new HashMap<>();
        apps.forEach(app -> map.put(app.name(), app));
        return map;
    }

    /**
     * Calls {@code listener} with each policy that steers or blocks other apps than the one
     * before, under this object's lock and on the thread that applies it, so the listener must
     * return quickly.
     */
    public void addListener(Consumer<SteeringPolicy> listener) {
        listeners.add(listener);
    }

    /** Returns the policy in force, or null before the first one arrived. */
    public SteeringPolicy policy() {
        return policy;
    }

    public Notices notices() {
        return notices;
    }

    @Override
    public Decision decide(String host, int port) {
        SteeringPolicy current = policy;
        if (current == null) {
            return Decision.TUNNEL;
        }
        return switch (current.covers(host, Protocol.TCP, port)) {
            case STEER -> Decision.TUNNEL;
            case BLOCKED -> {
                SteeredApp entry = current.entryFor(host, Protocol.TCP, port);
                if (entry != null && entry.notifyUser()) {
                    String destination = host.indexOf(':') >= 0
                            ? "[" + host + "]:" + port : host + ":" + port;
                    notices.add(new Notice(Instant.now().toString(), "agent", entry.rule(), entry.name(),
                            destination, "access to " + destination + " is blocked by rule "
                                    + entry.rule()));
                }
                yield Decision.BLOCKED;
            }
            case NOT_COVERED -> uncoveredDirect ? Decision.DIRECT : Decision.REJECT;
        };
    }
}
