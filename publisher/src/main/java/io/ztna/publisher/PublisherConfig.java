package io.ztna.publisher;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.ConfigLoader;
import io.ztna.proto.config.Durations;
import io.ztna.proto.config.HostAndPort;
import io.ztna.proto.config.OwnCertificate;
import io.ztna.proto.config.PortZeroAllowed;
import io.ztna.proto.config.ReconnectSection;
import io.ztna.proto.config.Threads;
import io.ztna.proto.config.TlsSection;
import io.ztna.proto.config.TunnelSection;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import io.ztna.proto.policy.AppProtocol;
import io.ztna.proto.policy.HostPattern;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The publisher's settings, from its YAML file.
 *
 * @param id this publisher's id, from its certificate
 * @param gateways publisher gateways the publisher chooses from, in config order
 * @param gatewayCount number of gateways the publisher keeps a tunnel to, the closest by
 *     measured RTT, and at most the number of {@code gateways}
 * @param gatewayReevaluation time between measurements of the RTT to every gateway
 * @param staticHosts host names the publisher resolves itself, lower case
 * @param dnsResolvers resolvers for publisher DNS queries: the {@code dns} section's, else the
 *     nameservers of /etc/resolv.conf when the system resolver is on, else none
 * @param dnsTimeout time each resolver has to answer a publisher DNS query
 * @param reachability the app reachability probes and the status interval
 */
public record PublisherConfig(String id, List<InetSocketAddress> gateways, int gatewayCount,
        Duration gatewayReevaluation, InetSocketAddress admin, TlsConfig tls,
        TunnelSection tunnel, ReconnectSection reconnect, Duration connectTimeout,
        PublisherScope scope, Map<String, InetAddress> staticHosts, boolean systemResolver,
        int threads, List<InetSocketAddress> dnsResolvers, Duration dnsTimeout,
        ReachabilitySection reachability) {

    static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(2);
    static final int DEFAULT_GATEWAY_COUNT = 2;
    static final Duration DEFAULT_GATEWAY_REEVALUATION = Duration.ofSeconds(60);

    /**
     * The {@code dns} section: the resolvers that answer publisher DNS queries, tried in order,
     * and the time each has to answer.
     */
    record DnsSection(List<HostAndPort> resolvers, Duration timeout) {

        @JsonCreator
        DnsSection(@JsonProperty(value = "resolvers", required = true)
                        List<HostAndPort> resolvers,
                @JsonProperty("timeout") Duration timeout) {
            if (resolvers.isEmpty()) {
                throw new IllegalArgumentException("resolvers: empty (expected: at least one "
                        + "resolver host:port, such as 10.0.0.2:53)");
            }
            if (timeout != null && timeout.toMillis() < 10) {
                throw new IllegalArgumentException("timeout: " + timeout.toMillis()
                        + "ms is too short (expected: at least 10ms, such as 2s)");
            }
            this.resolvers = List.copyOf(resolvers);
            this.timeout = timeout == null ? DEFAULT_DNS_TIMEOUT : timeout;
        }
    }

    /** The YAML layout of the file. */
    record File(List<HostAndPort> gateways, Integer gatewayCount, Duration gatewayReevaluation,
            HostAndPort admin, TlsSection tls, TunnelSection tunnel, ReconnectSection reconnect,
            Duration connectTimeout, List<ScopeEntry> scope, Map<String, String> hosts,
            Boolean systemResolver, Integer threads, DnsSection dns,
            ReachabilitySection reachability) implements Validatable {

        @JsonCreator
        File(@JsonProperty(value = "gateways", required = true) List<HostAndPort> gateways,
                @JsonProperty("gatewayCount") Integer gatewayCount,
                @JsonProperty("gatewayReevaluation") Duration gatewayReevaluation,
                @JsonProperty("admin") @PortZeroAllowed HostAndPort admin,
                @JsonProperty(value = "tls", required = true) TlsSection tls,
                @JsonProperty("tunnel") TunnelSection tunnel,
                @JsonProperty("reconnect") ReconnectSection reconnect,
                @JsonProperty("connectTimeout") Duration connectTimeout,
                @JsonProperty(value = "scope", required = true) List<ScopeEntry> scope,
                @JsonProperty("hosts") Map<String, String> hosts,
                @JsonProperty("systemResolver") Boolean systemResolver,
                @JsonProperty("threads") Integer threads,
                @JsonProperty("dns") DnsSection dns,
                @JsonProperty("reachability") ReachabilitySection reachability) {
            if (gateways.isEmpty()) {
                throw new IllegalArgumentException(
                        "gateways: empty (expected: at least one publisher gateway host:port)");
            }
            if (new HashSet<>(gateways).size() < gateways.size()) {
                throw new IllegalArgumentException("gateways: " + gateways
                        + " lists a gateway twice (expected: each publisher gateway once)");
            }
            if (gatewayCount != null && (gatewayCount < 1 || gatewayCount > gateways.size())) {
                throw new IllegalArgumentException("gatewayCount: " + gatewayCount
                        + " (expected: 1 to the number of gateways listed, " + gateways.size()
                        + ")");
            }
            if (gatewayReevaluation != null && gatewayReevaluation.toMillis() < 1_000) {
                throw new IllegalArgumentException("gatewayReevaluation: "
                        + gatewayReevaluation.toMillis()
                        + "ms is too short (expected: at least 1s, such as 60s)");
            }
            if (scope.isEmpty()) {
                throw new IllegalArgumentException(
                        "scope: empty (expected: at least one entry with hosts and protocols)");
            }
            this.gateways = List.copyOf(gateways);
            this.gatewayCount = gatewayCount != null ? gatewayCount
                    : Math.min(DEFAULT_GATEWAY_COUNT, gateways.size());
            this.gatewayReevaluation = gatewayReevaluation == null
                    ? DEFAULT_GATEWAY_REEVALUATION : gatewayReevaluation;
            this.admin = admin;
            this.tls = tls;
            this.tunnel = tunnel == null ? TunnelSection.DEFAULTS : tunnel;
            this.reconnect = reconnect == null ? ReconnectSection.DEFAULTS : reconnect;
            this.connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
            this.scope = List.copyOf(scope);
            this.hosts = hosts == null ? Map.of() : hosts;
            this.systemResolver = systemResolver == null || systemResolver;
            this.threads = threads == null ? 0 : threads;
            this.dns = dns;
            this.reachability = reachability == null ? ReachabilitySection.DEFAULTS : reachability;
        }

        @Override
        public void validate(ValidationContext context) throws ConfigException {
            tunnel.validate(context.at("tunnel"));
            reconnect.validate(context.at("reconnect"));
            Durations.requirePositive(context, "connectTimeout", connectTimeout);
            Threads.check(context, "threads", threads);
        }
    }

    /** One {@code scope} entry: host patterns and the protocols and ports allowed on them. */
    record ScopeEntry(List<HostPattern> hosts, List<AppProtocol> protocols) {

        @JsonCreator
        ScopeEntry(@JsonProperty(value = "hosts", required = true) List<HostPattern> hosts,
                @JsonProperty(value = "protocols", required = true) List<AppProtocol> protocols) {
            if (hosts.isEmpty() || protocols.isEmpty()) {
                throw new IllegalArgumentException("scope entry with hosts " + hosts
                        + " and protocols " + protocols + " (expected: at least one of each)");
            }
            this.hosts = List.copyOf(hosts);
            this.protocols = List.copyOf(protocols);
        }
    }

    /** Reads and checks a config file; the error names the file, line and field. */
    public static PublisherConfig load(Path path) throws ConfigException {
        File file = ConfigLoader.load(path, File.class);
        Path baseDir = path.toAbsolutePath().getParent();
        TlsConfig tls = file.tls().toTlsConfig(baseDir);
        String id = OwnCertificate.check(path, tls, PeerRole.PUBLISHER).name();
        Map<String, InetAddress> staticHosts = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : file.hosts().entrySet()) {
            byte[] address = NetUtil.createByteArrayFromIpAddressString(entry.getValue());
            if (address == null) {
                throw new ConfigException(path + ": hosts." + entry.getKey() + ": invalid address '"
                        + entry.getValue() + "' (expected: an IPv4 or IPv6 address)");
            }
            try {
                staticHosts.put(AppResolver.normalise(entry.getKey()),
                        InetAddress.getByAddress(entry.getKey(), address));
            } catch (UnknownHostException e) {
                throw new ConfigException(path + ": hosts." + entry.getKey() + ": " + e.getMessage());
            }
        }
        List<InetSocketAddress> gateways = new ArrayList<>();
        file.gateways().forEach(gateway -> gateways.add(gateway.toSocketAddress()));
        List<PublisherScope.Entry> scope = new ArrayList<>();
        file.scope().forEach(entry -> scope.add(
                new PublisherScope.Entry(entry.hosts(), entry.protocols())));
        return new PublisherConfig(id, gateways, file.gatewayCount(), file.gatewayReevaluation(),
                file.admin() == null ? null : file.admin().toSocketAddress(), tls, file.tunnel(),
                file.reconnect(), file.connectTimeout(), new PublisherScope(scope), staticHosts,
                file.systemResolver(), file.threads(), dnsResolvers(file),
                file.dns() == null ? DEFAULT_DNS_TIMEOUT : file.dns().timeout(),
                file.reachability());
    }

    private static List<InetSocketAddress> dnsResolvers(File file) {
        if (file.dns() != null) {
            return file.dns().resolvers().stream().map(HostAndPort::toSocketAddress).toList();
        }
        return file.systemResolver()
                ? ResolvConf.nameservers(java.nio.file.Path.of("/etc/resolv.conf")) : List.of();
    }
}
