package io.ztna.agent.capture;

/**
 * Decides where a captured destination goes: into the tunnel, or nowhere because a steering
 * block rule covers it. A destination that no app covers goes directly or nowhere, as the
 * agent's "uncovered" setting selects (default: direct). Called on event loops, so
 * implementations must be thread-safe and must not block.
 */
@FunctionalInterface
public interface Steering {

    /** The route chosen for one destination. */
    enum Decision {
        /** Covered by the steering policy: send it through the tunnel. */
        TUNNEL,
        /** A block rule of the steering policy covers it. */
        BLOCKED,
        /** Not covered, and uncovered destinations connect directly. */
        DIRECT,
        /** Not covered, and uncovered destinations are rejected. */
        REJECT
    }

    /** Returns the decision for {@code host} (a name or an address literal) and TCP port. */
    Decision decide(String host, int port);
}
