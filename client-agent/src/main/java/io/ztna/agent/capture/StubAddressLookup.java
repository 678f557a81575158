package io.ztna.agent.capture;

import java.net.InetAddress;

/**
 * Maps a stub address that the agent's DNS server handed out back to the app name it stands
 * for, so that a captured connection to the stub address travels as that name.
 */
@FunctionalInterface
public interface StubAddressLookup {

    /** Returns the name the stub address was given for, or null when it is not a stub. */
    String hostFor(InetAddress address);
}
