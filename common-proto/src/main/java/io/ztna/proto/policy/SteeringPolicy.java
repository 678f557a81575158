package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.frame.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * The steering policy (SRP) the client gateway sends an agent: the apps whose traffic the
 * agent sends into the tunnel, and the apps it blocks locally. It is only a steering hint; the
 * gateway decides every flow again.
 */
public final class SteeringPolicy {

    /** How the agent treats a destination. */
    public enum Steering { STEER, BLOCKED, NOT_COVERED }

    private final long version;
    private final List<SteeredApp> apps;
    private final List<SteeredApp> blocked;
    private final AppCatalog steered;
    private final AppCatalog blockedCatalog;

    @JsonCreator
    public SteeringPolicy(@JsonProperty("version") long version,
            @JsonProperty("apps") List<SteeredApp> apps,
            @JsonProperty("blocked") List<SteeredApp> blocked) {
        this.version = version;
        this.apps = apps == null ? List.of() : List.copyOf(apps);
        this.blocked = blocked == null ? List.of() : List.copyOf(blocked);
        this.steered = catalog(this.apps);
        this.blockedCatalog = catalog(this.blocked);
    }

    private static AppCatalog catalog(List<SteeredApp> entries) {
        List<App> list = new ArrayList<>();
        for (SteeredApp entry : entries) {
            list.add(new App(entry.name(), entry.hosts(), entry.protocols(), List.of(), false));
        }
        return new AppCatalog(list);
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

    /** Returns whether a destination is steered into the tunnel, blocked, or not covered. */
    @JsonIgnore
    public Steering steer(String host, Protocol protocol, int port) {
        if (blockedCatalog.match(host, protocol, port).isPresent()) {
            return Steering.BLOCKED;
        }
        return steered.match(host, protocol, port).isPresent() ? Steering.STEER
                : Steering.NOT_COVERED;
    }

    /** One app in a steering policy: its name, hosts and protocols. */
    public record SteeredApp(String name, List<HostPattern> hosts, List<AppProtocol> protocols) {
    }
}
