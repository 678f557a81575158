package io.ztna.agent.dns;

import io.ztna.proto.frame.Protocol;
import io.ztna.proto.policy.AppProtocol;
import io.ztna.proto.policy.HostPattern;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.policy.SteeringPolicy.SteeredApp;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which names and addresses the steering policy captures. A query carries no port, so
 * a name counts as an app name when the policy steers it for at least one protocol and port
 * that a steered app lists. Thread-safe.
 */
final class AppNames {

    /** The probes of the last policy seen, rebuilt when the policy object changes. */
    private volatile Probes probes;

    /**
     * Returns the steered app that covers a name, or null when no steered app does, or when
     * blocked apps decide every protocol and port of the steered apps that list it.
     *
     * @param name a normalised name
     */
    SteeredApp steeredApp(SteeringPolicy policy, String name) {
        if (policy == null) {
            return null;
        }
        for (Probe probe : probesOf(policy)) {
            if (policy.covers(name, probe.protocol(), probe.port())
                    == SteeringPolicy.Steering.STEER) {
                return policy.entryFor(name, probe.protocol(), probe.port());
            }
        }
        return null;
    }

    /**
     * Returns whether a steered app lists the address, as an address or inside a CIDR block,
     * on any protocol and port.
     *
     * @param address an IP literal
     */
    static boolean isCapturedAddress(SteeringPolicy policy, String address) {
        for (SteeredApp app : policy.apps()) {
            for (HostPattern host : app.hosts()) {
                boolean isAddressEntry = host.kind() == HostPattern.Kind.ADDRESS
                        || host.kind() == HostPattern.Kind.CIDR;
                if (isAddressEntry && host.matches(address)) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<Probe> probesOf(SteeringPolicy policy) {
        Probes current = probes;
        if (current == null || current.policy() != policy) {
            current = new Probes(policy, buildProbes(policy));
            probes = current;
        }
        return current.probes();
    }

    /**
     * Returns the first and last port of every protocol entry of the steered apps.
     *
     * <p>NOTE: a steered range that blocked apps cover at both ends but not in its middle is
     * missed, so such a name is forwarded rather than given a stub address.
     */
    private static List<Probe> buildProbes(SteeringPolicy policy) {
        Set<Probe> probes = new LinkedHashSet<>();
        for (SteeredApp app : policy.apps()) {
            for (AppProtocol entry : app.protocols()) {
                probes.add(new Probe(entry.protocol(), entry.ports().first()));
                probes.add(new Probe(entry.protocol(), entry.ports().last()));
            }
        }
        return new ArrayList<>(probes);
    }

    /** One protocol and port to ask the policy about. */
    private record Probe(Protocol protocol, int port) {
    }

    /** The probes built for one policy object. */
    private record Probes(SteeringPolicy policy, List<Probe> probes) {
    }
}
