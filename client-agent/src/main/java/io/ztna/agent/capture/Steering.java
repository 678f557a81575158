package io.ztna.agent.capture;

/** Where a captured destination goes: into the tunnel, blocked, directly, or nowhere. */
@FunctionalInterface
public interface Steering {

    /** How the agent handles one destination. */
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

    Decision decide(String host, int port);
}
