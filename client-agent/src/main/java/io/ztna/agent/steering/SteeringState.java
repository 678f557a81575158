package io.ztna.agent.steering;

import io.ztna.agent.capture.Steering;
import io.ztna.proto.frame.Protocol;
import io.ztna.proto.policy.SteeringPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steering policy in force on this agent. It only steers: the client gateway decides every
 * flow again, so a destination wrongly steered into the tunnel is denied there. Until the first
 * policy arrives, every destination goes to the tunnel. Thread-safe.
 */
public final class SteeringState implements Steering {

    private static final Logger log = LoggerFactory.getLogger(SteeringState.class);

    private final boolean uncoveredDirect;
    private volatile SteeringPolicy policy;

    /** @param uncoveredDirect whether destinations no app covers are connected directly */
    public SteeringState(boolean uncoveredDirect) {
        this.uncoveredDirect = uncoveredDirect;
    }

    /** Replaces the policy; flows already open are not affected. */
    public void apply(SteeringPolicy next) {
        SteeringPolicy previous = policy;
        policy = next;
        log.info("steering policy loaded: version={} apps={} blocked={} previousVersion={}",
                next.version(), next.apps().size(), next.blocked().size(),
                previous == null ? null : previous.version());
        for (SteeringPolicy.SteeredApp app : next.apps()) {
            log.info("steering app: name={} hosts={} protocols={}",
                    app.name(), app.hosts(), app.protocols());
        }
    }

    /** Returns the policy in force, or null before the first one arrived. */
    public SteeringPolicy policy() {
        return policy;
    }

    @Override
    public Decision decide(String host, int port) {
        SteeringPolicy current = policy;
        if (current == null) {
            return Decision.TUNNEL;
        }
        return switch (current.covers(host, Protocol.TCP, port)) {
            case STEER -> Decision.TUNNEL;
            case BLOCKED -> Decision.BLOCKED;
            case NOT_COVERED -> uncoveredDirect ? Decision.DIRECT : Decision.REJECT;
        };
    }
}
