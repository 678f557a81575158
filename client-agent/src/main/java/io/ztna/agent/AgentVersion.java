package io.ztna.agent;

/**
 * The agent's release version, shown by {@code --version} and reported in posture. Keep it in
 * step with the Maven project version, without its {@code -SNAPSHOT} suffix.
 */
public final class AgentVersion {

    public static final String VALUE = "0.1.0";

    private AgentVersion() {
    }
}
