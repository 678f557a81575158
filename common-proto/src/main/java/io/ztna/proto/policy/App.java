package io.ztna.proto.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.frame.Protocol;
import java.util.List;

/**
 * A private app: its host entries, the protocols and ports it serves, the publishers assigned
 * to it, and whether its names are resolved by the publisher ("publisher DNS").
 */
public record App(String name, List<HostPattern> hosts, List<AppProtocol> protocols,
        List<String> publishers, boolean publisherDns) {

    @JsonCreator
    public App(@JsonProperty(value = "name", required = true) String name,
            @JsonProperty(value = "hosts", required = true) List<HostPattern> hosts,
            @JsonProperty(value = "protocols", required = true) List<AppProtocol> protocols,
            @JsonProperty("publishers") List<String> publishers,
            @JsonProperty("publisherDns") boolean publisherDns) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("app name is empty (expected: a unique name)");
        }
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("app " + name + ": hosts is empty (expected: at "
                    + "least one host name, wildcard, address or CIDR block)");
        }
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("app " + name + ": protocols is empty (expected: "
                    + "at least one entry such as tcp:443)");
        }
        this.name = name;
        this.hosts = List.copyOf(hosts);
        this.protocols = List.copyOf(protocols);
        this.publishers = publishers == null ? List.of() : List.copyOf(publishers);
        this.publisherDns = publisherDns;
    }

    public boolean coversPort(Protocol protocol, int port) {
        for (AppProtocol entry : protocols) {
            if (entry.covers(protocol, port)) {
                return true;
            }
        }
        return false;
    }
}
