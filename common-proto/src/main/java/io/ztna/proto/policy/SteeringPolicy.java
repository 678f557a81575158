package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.frame.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The steering policy (SRP) that the client gateway sends an agent: the apps whose traffic the
 * agent sends into the tunnel, and the apps it blocks locally. It is only a hint, because the
 * gateway decides every flow again. Serialised as JSON:
 * <pre>
 * {"version":7,
 *  "apps":[{"name":"intranet","hosts":["intranet.corp.internal"],"protocols":["tcp:18080"],
 *           "publisherDns":false}],
 *  "blocked":[{"name":"ssh","hosts":["*.lab.internal"],"protocols":["tcp:22"],
 *              "publisherDns":false}]}
 * </pre>
 * Immutable and thread-safe.
 */
public final class SteeringPolicy {

    /** Steering decision for one destination. */
    public enum Steering { STEER, BLOCKED, NOT_COVERED }

    private final long version;
    private final List<SteeredApp> apps;
    private final List<SteeredApp> blocked;
    private final AppCatalog catalog;
    private final Set<String> blockedNames;

    /**
     * Creates a policy.
     *
     * @param version larger for newer policies of the same gateway
     */
    @JsonCreator
    public SteeringPolicy(@JsonProperty("version") long version,
            @JsonProperty("apps") List<SteeredApp> apps,
            @JsonProperty("blocked") List<SteeredApp> blocked) {
        this.version = version;
        this.apps = apps == null ? List.of() : List.copyOf(apps);
        this.blocked = blocked == null ? List.of() : List.copyOf(blocked);
        List<App> entries = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (SteeredApp entry : this.blocked) {
            entries.add(entry.toApp());
            names.add(entry.name());
        }
        for (SteeredApp entry : this.apps) {
            entries.add(entry.toApp());
        }
        this.catalog = new AppCatalog(entries);
        this.blockedNames = Set.copyOf(names);
    }

    @JsonProperty
    public long version() {
        return version;
    }

    @JsonProperty
    public List<SteeredApp> apps() {
        return apps;
    }

    @JsonProperty
    public List<SteeredApp> blocked() {
        return blocked;
    }

    /**
     * Returns what the agent does with a destination. The most specific host entry decides, as
     * in {@link AppCatalog#match}, and a blocked app wins a tie with a steered one.
     */
    @JsonIgnore
    public Steering covers(String host, Protocol protocol, int port) {
        Optional<App> app = catalog.match(host, protocol, port);
        if (app.isEmpty()) {
            return Steering.NOT_COVERED;
        }
        return blockedNames.contains(app.get().name()) ? Steering.BLOCKED : Steering.STEER;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SteeringPolicy policy && policy.version == version
                && policy.apps.equals(apps) && policy.blocked.equals(blocked);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, apps, blocked);
    }

    @Override
    public String toString() {
        return "SteeringPolicy(version=" + version + ", apps=" + apps.size()
                + ", blocked=" + blocked.size() + ")";
    }

    /** One app in a steering policy. */
    public record SteeredApp(String name, List<HostPattern> hosts, List<AppProtocol> protocols,
            boolean publisherDns) {

        @JsonCreator
        public SteeredApp(@JsonProperty("name") String name,
                @JsonProperty("hosts") List<HostPattern> hosts,
                @JsonProperty("protocols") List<AppProtocol> protocols,
                @JsonProperty("publisherDns") boolean publisherDns) {
            this.name = name == null ? "" : name;
            this.hosts = hosts == null ? List.of() : List.copyOf(hosts);
            this.protocols = protocols == null ? List.of() : List.copyOf(protocols);
            this.publisherDns = publisherDns;
        }

        static SteeredApp of(App app) {
            return new SteeredApp(app.name(), app.hosts(), app.protocols(), app.publisherDns());
        }

        App toApp() {
            return new App(name, hosts, protocols, List.of(), publisherDns);
        }
    }
}
