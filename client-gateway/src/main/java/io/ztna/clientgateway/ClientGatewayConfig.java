package io.ztna.clientgateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.clientgateway.routing.PublisherSelector;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.ConfigLoader;
import io.ztna.proto.config.HostAndPort;
import io.ztna.proto.config.OwnCertificate;
import io.ztna.proto.config.PortZeroAllowed;
import io.ztna.proto.config.ReconnectSection;
import io.ztna.proto.config.Threads;
import io.ztna.proto.config.TlsSection;
import io.ztna.proto.config.TunnelSection;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client gateway's settings, from its YAML file.
 *
 * @param id this gateway's id, from its certificate
 * @param listen address agents connect to
 * @param publisherGateways publisher gateways to keep a tunnel to, each
 * @param policyFile the apps, users and rules file
 * @param policyReloadInterval how often the policy and directory files are checked for changes
 * @param stickiness how long a user's flows to an app keep going to the same publisher after
 *     the last one; zero turns stickiness off
 * @param latencyTolerance publishers whose round trip is within this much (or 20 %) of the
 *     best one count as equally close, and load decides among them
 */
public record ClientGatewayConfig(String id, InetSocketAddress listen, InetSocketAddress admin,
        List<InetSocketAddress> publisherGateways, Path policyFile,
        Duration policyReloadInterval, TlsConfig tls, TunnelSection tunnel,
        ReconnectSection reconnect, int threads, Duration stickiness,
        Duration latencyTolerance) {

    static final Duration DEFAULT_POLICY_RELOAD_INTERVAL = Duration.ofSeconds(1);

    /** The YAML layout of the file. */
    record File(HostAndPort listen, HostAndPort admin, List<HostAndPort> publisherGateways,
            Path policy, Duration policyReloadInterval, TlsSection tls, TunnelSection tunnel,
            ReconnectSection reconnect, Integer threads, Duration stickiness,
            Duration latencyTolerance) implements Validatable {

        @JsonCreator
        File(@JsonProperty(value = "listen", required = true) @PortZeroAllowed HostAndPort listen,
                @JsonProperty("admin") @PortZeroAllowed HostAndPort admin,
                @JsonProperty(value = "publisherGateways", required = true)
                        List<HostAndPort> publisherGateways,
                @JsonProperty(value = "policy", required = true) Path policy,
                @JsonProperty("policyReloadInterval") Duration policyReloadInterval,
                @JsonProperty(value = "tls", required = true) TlsSection tls,
                @JsonProperty("tunnel") TunnelSection tunnel,
                @JsonProperty("reconnect") ReconnectSection reconnect,
                @JsonProperty("threads") Integer threads,
                @JsonProperty("stickiness") Duration stickiness,
                @JsonProperty("latencyTolerance") Duration latencyTolerance) {
            if (publisherGateways.isEmpty()) {
                throw new IllegalArgumentException("publisherGateways: empty (expected: at least "
                        + "one publisher gateway host:port)");
            }
            this.listen = listen;
            this.admin = admin;
            this.publisherGateways = List.copyOf(publisherGateways);
            this.policy = policy;
            if (policyReloadInterval != null && policyReloadInterval.toMillis() < 10) {
                throw new IllegalArgumentException("policyReloadInterval: "
                        + policyReloadInterval.toMillis() + "ms is too short (expected: at "
                        + "least 10ms, such as 1s)");
            }
            this.policyReloadInterval = policyReloadInterval == null
                    ? DEFAULT_POLICY_RELOAD_INTERVAL : policyReloadInterval;
            this.tls = tls;
            this.tunnel = tunnel == null ? TunnelSection.DEFAULTS : tunnel;
            this.reconnect = reconnect == null ? ReconnectSection.DEFAULTS : reconnect;
            this.threads = threads == null ? 0 : threads;
            this.stickiness = stickiness == null
                    ? PublisherSelector.DEFAULT_STICKINESS : stickiness;
            if (latencyTolerance != null && latencyTolerance.isNegative()) {
                throw new IllegalArgumentException("latencyTolerance: " + latencyTolerance
                        + " (expected: 0 or more, such as 2ms)");
            }
            this.latencyTolerance = latencyTolerance == null
                    ? PublisherSelector.DEFAULT_LATENCY_TOLERANCE : latencyTolerance;
        }

        @Override
        public void validate(ValidationContext context) throws ConfigException {
            tunnel.validate(context.at("tunnel"));
            reconnect.validate(context.at("reconnect"));
            Threads.check(context, "threads", threads);
        }
    }

    /**
     * Reads the path of the policy file from a config file, resolved against the config
     * file's folder. Unlike {@link #load}, it does not read the TLS files, so that tools can
     * inspect the policy without the gateway's key.
     *
     * @throws ConfigException naming the file, line and field when the config is invalid
     */
    public static Path policyFileOf(Path path) throws ConfigException {
        return policyFileOf(path, ConfigLoader.load(path, File.class));
    }

    /**
     * Resolves the {@code policy} option against the config file's folder and checks that the
     * file exists, so that the error names the config file and the option.
     */
    private static Path policyFileOf(Path path, File file) throws ConfigException {
        Path policyFile = path.toAbsolutePath().getParent().resolve(file.policy()).normalize();
        if (!Files.isRegularFile(policyFile)) {
            throw new ConfigException(path + ": policy: file not found: " + policyFile);
        }
        return policyFile;
    }

    /** Reads and checks a config file; the error names the file, line and field. */
    public static ClientGatewayConfig load(Path path) throws ConfigException {
        File file = ConfigLoader.load(path, File.class);
        Path policyFile = policyFileOf(path, file);
        Path baseDir = path.toAbsolutePath().getParent();
        TlsConfig tls = file.tls().toTlsConfig(baseDir);
        String id = OwnCertificate.check(path, tls, PeerRole.CLIENT_GATEWAY).name();
        List<InetSocketAddress> gateways = new ArrayList<>();
        file.publisherGateways().forEach(gateway -> gateways.add(gateway.toSocketAddress()));
        return new ClientGatewayConfig(id, file.listen().toSocketAddress(),
                file.admin() == null ? null : file.admin().toSocketAddress(), gateways,
                policyFile, file.policyReloadInterval(), tls, file.tunnel(),
                file.reconnect(), file.threads(), file.stickiness(), file.latencyTolerance());
    }
}
