package io.ztna.publisher;

import io.ztna.proto.frame.Protocol;
import io.ztna.proto.policy.AppProtocol;
import io.ztna.proto.policy.HostPattern;
import java.util.List;

/**
 * Destinations this publisher serves: any flow outside every entry is rejected, whatever the
 * gateways ask, so a compromised gateway cannot use the publisher to reach other hosts.
 */
final class PublisherScope {

    private final List<Entry> entries;

    PublisherScope(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    boolean allows(String host, int port) {
        for (Entry entry : entries) {
            if (entry.covers(host, port)) {
                return true;
            }
        }
        return false;
    }

    /** Returns whether some entry covers the host, on any port; used for DNS queries. */
    boolean allowsHost(String host) {
        for (Entry entry : entries) {
            for (HostPattern pattern : entry.hosts()) {
                if (pattern.matches(host)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Host patterns with the TCP and UDP ports allowed on them. */
    record Entry(List<HostPattern> hosts, List<AppProtocol> protocols) {

        boolean covers(String host, int port) {
            boolean portMatches = false;
            for (AppProtocol protocol : protocols) {
                if (protocol.covers(Protocol.TCP, port)) {
                    portMatches = true;
                    break;
                }
            }
            if (!portMatches) {
                return false;
            }
            for (HostPattern pattern : hosts) {
                if (pattern.matches(host)) {
                    return true;
                }
            }
            return false;
        }
    }
}
