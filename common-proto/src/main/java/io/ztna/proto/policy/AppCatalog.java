package io.ztna.proto.policy;

import io.netty.util.NetUtil;
import io.ztna.proto.frame.Protocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable index of apps by host entry, so matching a flow costs a few map lookups rather
 * than a scan of every app: exact names and addresses in hash maps, wildcards by walking the
 * name's parent domains, CIDR blocks by prefix length from the longest. The most specific host
 * entry wins (exact name or address, then the longest wildcard domain, then the longest
 * prefix), and among apps with that entry the first one in config order whose protocols cover
 * the port.
 */
public final class AppCatalog {

    private final List<App> apps;
    private final Map<String, List<App>> byName = new HashMap<>();
    private final Map<String, List<App>> byWildcard = new HashMap<>();
    private final Map<ByteBuffer, List<App>> byAddress = new HashMap<>();
    private final TreeMap<Integer, Map<ByteBuffer, List<App>>> byPrefix =
            new TreeMap<>((a, b) -> Integer.compare(b, a));

    public AppCatalog(Collection<App> apps) {
        this.apps = List.copyOf(apps);
        for (App app : this.apps) {
            for (HostPattern host : app.hosts()) {
                switch (host.kind()) {
                    case NAME -> add(byName, host.name(), app);
                    case WILDCARD -> add(byWildcard, host.name(), app);
                    case ADDRESS -> add(byAddress, ByteBuffer.wrap(host.address()), app);
                    case CIDR -> add(byPrefix.computeIfAbsent(
                                    key(host), k -> new HashMap<>()),
                            ByteBuffer.wrap(host.address()), app);
                    default -> throw new IllegalStateException("unknown kind " + host.kind());
                }
            }
        }
    }

    /** Prefix lengths of IPv6 blocks are offset so that both families share one ordered map. */
    private static int key(HostPattern host) {
        return host.address().length == 16 ? 1000 + host.prefixLength() : host.prefixLength();
    }

    private static <K> void add(Map<K, List<App>> map, K key, App app) {
        List<App> list = map.computeIfAbsent(key, k -> new ArrayList<>(1));
        if (!list.contains(app)) {
            list.add(app);
        }
    }

    public List<App> apps() {
        return apps;
    }

    public Optional<App> byName(String name) {
        for (App app : apps) {
            if (app.name().equals(name)) {
                return Optional.of(app);
            }
        }
        return Optional.empty();
    }

    /** Returns the app that covers a flow's host, protocol and port, if any. */
    public Optional<App> match(String host, Protocol protocol, int port) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(HostPattern.stripBrackets(host));
        if (literal != null) {
            return matchAddress(literal, protocol, port);
        }
        String name = HostPattern.flowName(host);
        App exact = first(byName.get(name), protocol, port);
        if (exact != null) {
            return Optional.of(exact);
        }
        int dot = name.indexOf('.');
        while (dot >= 0) {
            String parent = name.substring(dot + 1);
            App wildcard = first(byWildcard.get(parent), protocol, port);
            if (wildcard != null) {
                return Optional.of(wildcard);
            }
            dot = name.indexOf('.', dot + 1);
        }
        return Optional.empty();
    }

    private Optional<App> matchAddress(byte[] address, Protocol protocol, int port) {
        App exact = first(byAddress.get(ByteBuffer.wrap(address)), protocol, port);
        if (exact != null) {
            return Optional.of(exact);
        }
        for (Map.Entry<Integer, Map<ByteBuffer, List<App>>> entry : byPrefix.entrySet()) {
            int key = entry.getKey();
            boolean v6 = key >= 1000;
            if (v6 != (address.length == 16)) {
                continue;
            }
            int prefix = v6 ? key - 1000 : key;
            App app = first(entry.getValue().get(ByteBuffer.wrap(HostPattern.mask(address, prefix))),
                    protocol, port);
            if (app != null) {
                return Optional.of(app);
            }
        }
        return Optional.empty();
    }

    private static App first(List<App> candidates, Protocol protocol, int port) {
        if (candidates == null) {
            return null;
        }
        for (App app : candidates) {
            if (app.coversPort(protocol, port)) {
                return app;
            }
        }
        return null;
    }
}
