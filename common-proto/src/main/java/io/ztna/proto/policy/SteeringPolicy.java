package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.frame.Protocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *              "publisherDns":false,"rule":"no-ssh","notify":true}]}
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
    private final Map<String, SteeredApp> entries = new HashMap<>();

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
            this.entries.putIfAbsent(entry.name(), entry);
        }
        for (SteeredApp entry : this.apps) {
            entries.add(entry.toApp());
            this.entries.putIfAbsent(entry.name(), entry);
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

    /**
     * Returns the entry that decides a destination, as {@link #covers} finds it, or null when
     * no entry covers it.
     */
    @JsonIgnore
    public SteeredApp entryFor(String host, Protocol protocol, int port) {
        return catalog.match(host, protocol, port).map(app -> entries.get(app.name()))
                .orElse(null);
    }

    /** Returns whether two policies steer and block the same apps, whatever their versions. */
    public boolean sameEntries(SteeringPolicy other) {
        return other != null && other.apps.equals(apps) && other.blocked.equals(blocked);
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

    /**
     * One app in a steering policy.
     *
     * @param rule for a blocked app, the block rule; null for a steered app
     * @param notifyUser for a blocked app, whether its rule asks for a notice to the user
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SteeredApp(String name, List<HostPattern> hosts, List<AppProtocol> protocols,
            boolean publisherDns, String rule,
            @JsonProperty("notify") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean notifyUser) {

        @JsonCreator
        public SteeredApp(@JsonProperty("name") String name,
                @JsonProperty("hosts") List<HostPattern> hosts,
                @JsonProperty("protocols") List<AppProtocol> protocols,
                @JsonProperty("publisherDns") boolean publisherDns,
                @JsonProperty("rule") String rule,
                @JsonProperty("notify") boolean notifyUser) {
            this.name = name == null ? "" : name;
            this.hosts = hosts == null ? List.of() : List.copyOf(hosts);
            this.protocols = protocols == null ? List.of() : List.copyOf(protocols);
            this.publisherDns = publisherDns;
            this.rule = rule;
            this.notifyUser = notifyUser;
        }

        public SteeredApp(String name, List<HostPattern> hosts, List<AppProtocol> protocols,
                boolean publisherDns) {
            this(name, hosts, protocols, publisherDns, null, false);
        }

        static SteeredApp of(App app) {
            return new SteeredApp(app.name(), app.hosts(), app.protocols(), app.publisherDns());
        }

        static SteeredApp blocked(App app, String rule, boolean notifyUser) {
            return new SteeredApp(app.name(), app.hosts(), app.protocols(), app.publisherDns(),
                    rule, notifyUser);
        }

        App toApp() {
            return new App(name, hosts, protocols, List.of(), publisherDns);
        }
    }
}
