package io.ztna.agent.capture;

import io.netty.util.NetUtil;
import io.ztna.proto.frame.Protocol;
import io.ztna.proto.policy.AppProtocol;
import io.ztna.proto.policy.HostPattern;
import io.ztna.proto.policy.PortRange;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.policy.SteeringPolicy.SteeredApp;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One destination block whose TCP connections the capture rules redirect to the agent's
 * listener.
 *
 * @param network a CIDR block in text form, such as {@code 10.20.0.0/16} or {@code fd00::/8}
 * @param ipv6 whether the block is IPv6
 * @param ports the TCP port ranges redirected, sorted and without overlaps; empty means every
 *     port
 */
record RedirectRule(String network, boolean ipv6, List<PortRange> ports) {

    /**
     * Returns the rules for the stub ranges (every port) and for the address and CIDR hosts of
     * the steered and blocked apps of {@code policy} (their TCP ports), for one address family
     * only, because the listener has one family. Apps named by host name are not listed: their
     * traffic reaches stub addresses. Blocked apps are listed so that the listener resets their
     * connections at once. Duplicate blocks are merged, in the order first seen, and so are the
     * port ranges of each block.
     *
     * @param policy the steering policy in force, or null before the first one arrived
     */
    static List<RedirectRule> of(List<HostPattern> stubRanges, SteeringPolicy policy,
            boolean ipv6) {
        Map<String, List<PortRange>> byNetwork = new LinkedHashMap<>();
        for (HostPattern range : stubRanges) {
            if (isFamily(range, ipv6)) {
                byNetwork.put(cidr(range), new ArrayList<>());
            }
        }
        if (policy != null) {
            List<SteeredApp> apps = new ArrayList<>(policy.blocked());
            apps.addAll(policy.apps());
            for (SteeredApp app : apps) {
                List<PortRange> tcpPorts = new ArrayList<>();
                for (AppProtocol protocol : app.protocols()) {
                    if (protocol.protocol() == Protocol.TCP) {
                        tcpPorts.add(protocol.ports());
                    }
                }
                if (tcpPorts.isEmpty()) {
                    continue;
                }
                for (HostPattern host : app.hosts()) {
                    if (!isFamily(host, ipv6)) {
                        continue;
                    }
                    List<PortRange> ports = byNetwork.get(cidr(host));
                    if (ports == null) {
                        byNetwork.put(cidr(host), new ArrayList<>(tcpPorts));
                    } else if (!ports.isEmpty()) {
                        // An empty list already covers every port, as for a stub range.
                        tcpPorts.stream().filter(range -> !ports.contains(range))
                                .forEach(ports::add);
                    }
                }
            }
        }
        List<RedirectRule> rules = new ArrayList<>();
        byNetwork.forEach((network, ports) ->
                rules.add(new RedirectRule(network, ipv6, merge(ports))));
        return rules;
    }

    /**
     * Returns the ranges sorted, with overlapping and adjacent ranges joined, because nft
     * rejects a set whose intervals overlap. A result that covers every port is empty.
     */
    static List<PortRange> merge(List<PortRange> ranges) {
        List<PortRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingInt(PortRange::first));
        List<PortRange> merged = new ArrayList<>();
        for (PortRange range : sorted) {
            PortRange last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range.first() <= last.last() + 1) {
                merged.set(merged.size() - 1,
                        new PortRange(last.first(), Math.max(last.last(), range.last())));
            } else {
                merged.add(range);
            }
        }
        if (merged.size() == 1 && merged.get(0).first() == 1 && merged.get(0).last() == 65535) {
            return List.of();
        }
        return List.copyOf(merged);
    }

    private static boolean isFamily(HostPattern pattern, boolean ipv6) {
        boolean addressKind = pattern.kind() == HostPattern.Kind.ADDRESS
                || pattern.kind() == HostPattern.Kind.CIDR;
        return addressKind && (pattern.address().length == 16) == ipv6;
    }

    /** Returns {@code network/prefix} with the address in its shortest text form. */
    private static String cidr(HostPattern pattern) {
        try {
            return NetUtil.toAddressString(InetAddress.getByAddress(pattern.address())) + "/"
                    + pattern.prefixLength();
        } catch (UnknownHostException e) {
            // Thrown only for an array of another length than 4 or 16.
            throw new IllegalStateException(e);
        }
    }
}
