package io.ztna.proto.policy;

import io.ztna.proto.frame.Protocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable index of apps by host entry, so that matching a flow costs a few map lookups
 * rather than a scan of every app. Exact names and addresses are hash map keys. Wildcards are
 * found by looking up each parent domain of the flow's name, longest first. CIDR blocks are
 * grouped by prefix length, and a lookup masks the flow's address once per length present,
 * longest first.
 *
 * <p>Candidates are tried from the most specific host entry to the least: exact name or
 * address, then the longest wildcard domain, then the longest prefix. Within one entry, apps
 * are tried in the order given. The first candidate whose protocols serve the flow's protocol
 * and port wins, so an app that covers the host but not the port does not hide a less specific
 * app that serves it. Thread-safe.
 */
public final class AppCatalog {

    private final List<App> apps;
    private final Map<String, App> byAppName = new LinkedHashMap<>();
    private final Map<String, List<App>> byName = new HashMap<>();
    private final Map<String, List<App>> byWildcard = new HashMap<>();
    private final Map<ByteBuffer, List<App>> byAddress = new HashMap<>();
    private final CidrIndex ipv4Blocks = new CidrIndex(32);
    private final CidrIndex ipv6Blocks = new CidrIndex(128);

    /** Indexes apps; when two share a name, {@link #byName} returns the first. */
    public AppCatalog(Collection<App> apps) {
        this.apps = List.copyOf(apps);
        for (App app : this.apps) {
            byAppName.putIfAbsent(app.name(), app);
            for (HostPattern host : app.hosts()) {
                index(host, app);
            }
        }
    }

    private void index(HostPattern host, App app) {
        switch (host.kind()) {
            case NAME -> add(byName, host.name(), app);
            case WILDCARD -> add(byWildcard, host.name(), app);
            case ADDRESS -> add(byAddress, ByteBuffer.wrap(host.addressUnsafe()), app);
            case CIDR -> (host.addressUnsafe().length == 4 ? ipv4Blocks : ipv6Blocks)
                    .add(host.prefixLength(), host.addressUnsafe(), app);
            default -> throw new IllegalStateException("unknown host kind " + host.kind());
        }
    }

    static <K> void add(Map<K, List<App>> map, K key, App app) {
        List<App> list = map.computeIfAbsent(key, k -> new ArrayList<>(1));
        if (!list.contains(app)) {
            list.add(app);
        }
    }

    public List<App> apps() {
        return apps;
    }

    public Optional<App> byName(String name) {
        return Optional.ofNullable(byAppName.get(name));
    }

    /**
     * Returns the app that covers a flow's destination host (a name or an IP literal),
     * protocol and port, if any. Names are not resolved: a name only matches name entries.
     */
    public Optional<App> match(String host, Protocol protocol, int port) {
        byte[] literal = HostNames.ipLiteral(host);
        if (literal != null) {
            return Optional.ofNullable(matchAddress(literal, protocol, port));
        }
        String name = HostNames.normalise(host);
        if (name == null) {
            return Optional.empty();
        }
        App exact = firstServing(byName.get(name), protocol, port);
        if (exact != null) {
            return Optional.of(exact);
        }
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            App wildcard = firstServing(byWildcard.get(name.substring(dot + 1)), protocol, port);
            if (wildcard != null) {
                return Optional.of(wildcard);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns every app with a host entry covering {@code host} (a name or an IP literal),
     * whatever its protocols, from the most specific entry to the least, as {@link #match}
     * tries them. Used for DNS, where a query names a host but no port.
     */
    public List<App> matchHost(String host) {
        List<App> found = new ArrayList<>();
        byte[] literal = HostNames.ipLiteral(host);
        if (literal != null) {
            addAll(found, byAddress.get(ByteBuffer.wrap(literal)));
            for (List<App> candidates : (literal.length == 4 ? ipv4Blocks : ipv6Blocks)
                    .candidates(literal)) {
                addAll(found, candidates);
            }
            return found;
        }
        String name = HostNames.normalise(host);
        if (name == null) {
            return found;
        }
        addAll(found, byName.get(name));
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            addAll(found, byWildcard.get(name.substring(dot + 1)));
        }
        return found;
    }

    private static void addAll(List<App> found, List<App> candidates) {
        if (candidates != null) {
            for (App app : candidates) {
                if (!found.contains(app)) {
                    found.add(app);
                }
            }
        }
    }

    private App matchAddress(byte[] address, Protocol protocol, int port) {
        App exact = firstServing(byAddress.get(ByteBuffer.wrap(address)), protocol, port);
        if (exact != null) {
            return exact;
        }
        CidrIndex blocks = address.length == 4 ? ipv4Blocks : ipv6Blocks;
        for (List<App> candidates : blocks.candidates(address)) {
            App app = firstServing(candidates, protocol, port);
            if (app != null) {
                return app;
            }
        }
        return null;
    }

    static App firstServing(List<App> candidates, Protocol protocol, int port) {
        if (candidates == null) {
            return null;
        }
        for (App app : candidates) {
            if (app.serves(protocol, port)) {
                return app;
            }
        }
        return null;
    }
}
