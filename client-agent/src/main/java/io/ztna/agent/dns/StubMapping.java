package io.ztna.agent.dns;

import java.net.InetAddress;
import java.time.Instant;

/**
 * One stub address and the app name it stands for.
 *
 * @param name the normalised name: lower-case ASCII without a trailing dot
 * @param lastUsed when the name was last queried or the address last looked up
 */
public record StubMapping(String name, InetAddress address, Instant lastUsed) {
}
