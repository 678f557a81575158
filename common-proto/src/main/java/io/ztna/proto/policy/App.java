package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import io.ztna.proto.frame.Protocol;
import java.util.List;
import java.util.Objects;

/**
 * A private app: its host entries, the protocols and ports it serves, the ids of the publishers
 * that serve it, and whether its names are resolved by the publisher ("publisher DNS", off by
 * default). Immutable; {@link #validate} checks that it has a name, hosts and protocols.
 */
public record App(String name, List<HostPattern> hosts, List<AppProtocol> protocols,
        List<String> publishers, boolean publisherDns) implements Validatable {

    @JsonCreator
    public App(@JsonProperty(value = "name", required = true) String name,
            @JsonProperty(value = "hosts", required = true) List<HostPattern> hosts,
            @JsonProperty(value = "protocols", required = true) List<AppProtocol> protocols,
            @JsonProperty("publishers") List<String> publishers,
            @JsonProperty("publisherDns") boolean publisherDns) {
        this.name = Objects.requireNonNullElse(name, "");
        this.hosts = hosts == null ? List.of() : List.copyOf(hosts);
        this.protocols = protocols == null ? List.of() : List.copyOf(protocols);
        this.publishers = publishers == null ? List.of() : List.copyOf(publishers);
        this.publisherDns = publisherDns;
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        if (name.isBlank()) {
            context.fail("name", name, "a non-empty app name");
        }
        if (hosts.isEmpty()) {
            context.fail("hosts", "hosts is empty: expected at least one host name, "
                    + "wildcard, address or CIDR block");
        }
        if (protocols.isEmpty()) {
            context.fail("protocols",
                    "protocols is empty: expected at least one entry like tcp:443");
        }
        for (int i = 0; i < publishers.size(); i++) {
            if (publishers.get(i).isBlank()) {
                context.fail("publishers[" + i + "]", publishers.get(i), "a publisher id");
            }
        }
    }

    /** Returns whether one of the app's protocol entries covers the flow's protocol and port. */
    public boolean serves(Protocol protocol, int port) {
        for (AppProtocol entry : protocols) {
            if (entry.covers(protocol, port)) {
                return true;
            }
        }
        return false;
    }
}
