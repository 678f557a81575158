package io.ztna.agent;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.agent.dns.DnsSection;
import io.ztna.agent.capture.CaptureSection;
import io.ztna.agent.posture.PostureSection;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The agent's settings, from its YAML file.
 *
 * @param gateways client gateways in order of preference
 * @param socks SOCKS5 listener address, or null for none
 * @param forwards local port forwards into the tunnel
 * @param uncoveredDirect whether destinations the steering policy does not cover are connected
 *     directly (true) or rejected
 * @param steeringPolicyPullInterval how often the agent asks for its steering policy
 * @param gatewayReevaluation how often the agent measures the connect time to each gateway
 * @param posture posture collection and reporting, with check files resolved
 * @param dns the DNS server's settings with the state file resolved, or null for no server
 * @param httpProxy HTTP CONNECT proxy listener address, or null for none
 * @param capture transparent capture settings; mode {@code off} unless configured
 */
public record ClientAgentConfig(List<InetSocketAddress> gateways, InetSocketAddress admin,
        TlsConfig tls, TunnelSection tunnel, ReconnectSection reconnect, InetSocketAddress socks,
        List<PortForwardSpec> forwards, boolean uncoveredDirect, int threads,
        Duration steeringPolicyPullInterval, PostureSection posture, DnsSection dns,
        Duration gatewayReevaluation, InetSocketAddress httpProxy, CaptureSection capture) {

    static final Duration DEFAULT_PULL_INTERVAL = Duration.ofMinutes(15);
    static final Duration DEFAULT_GATEWAY_REEVALUATION = Duration.ofSeconds(60);

    /** One port forward: connections to {@code listen} reach {@code to} through the tunnel. */
    public record PortForwardSpec(InetSocketAddress listen, HostAndPort to) {
    }

    /** The YAML layout of one {@code forwards} entry. */
    record ForwardEntry(HostAndPort listen, HostAndPort to) {

        @JsonCreator
        ForwardEntry(
                @JsonProperty(value = "listen", required = true) @PortZeroAllowed
                        HostAndPort listen,
                @JsonProperty(value = "to", required = true) HostAndPort to) {
            if (to.port() == 0) {
                throw new IllegalArgumentException("forward to " + to
                        + ": port 0 (expected: 1 to 65535)");
            }
            this.listen = listen;
            this.to = to;
        }
    }

    /** The YAML layout of the file. */
    record File(List<HostAndPort> gateways, HostAndPort admin, TlsSection tls,
            TunnelSection tunnel, ReconnectSection reconnect, HostAndPort socks,
            List<ForwardEntry> forwards, String uncovered, Integer threads,
            Duration steeringPolicyPullInterval, PostureSection posture, DnsSection dns,
            Duration gatewayReevaluation, HostAndPort httpProxy, CaptureSection capture)
            implements Validatable {

        @JsonCreator
        File(@JsonProperty(value = "gateways", required = true) List<HostAndPort> gateways,
                @JsonProperty("admin") @PortZeroAllowed HostAndPort admin,
                @JsonProperty(value = "tls", required = true) TlsSection tls,
                @JsonProperty("tunnel") TunnelSection tunnel,
                @JsonProperty("reconnect") ReconnectSection reconnect,
                @JsonProperty("socks") @PortZeroAllowed HostAndPort socks,
                @JsonProperty("forwards") List<ForwardEntry> forwards,
                @JsonProperty("uncovered") String uncovered,
                @JsonProperty("threads") Integer threads,
                @JsonProperty("steeringPolicyPullInterval") Duration steeringPolicyPullInterval,
                @JsonProperty("posture") PostureSection posture,
                @JsonProperty("dns") DnsSection dns,
                @JsonProperty("gatewayReevaluation") Duration gatewayReevaluation,
                @JsonProperty("httpProxy") @PortZeroAllowed HostAndPort httpProxy,
                @JsonProperty("capture") CaptureSection capture) {
            if (gateways.isEmpty()) {
                throw new IllegalArgumentException(
                        "gateways: empty (expected: at least one client gateway host:port)");
            }
            String mode = uncovered == null ? "direct" : uncovered.toLowerCase(Locale.ROOT);
            if (!mode.equals("direct") && !mode.equals("reject")) {
                throw new IllegalArgumentException("uncovered: invalid value '" + uncovered
                        + "' (expected: direct or reject)");
            }
            this.gateways = List.copyOf(gateways);
            this.admin = admin;
            this.tls = tls;
            this.tunnel = tunnel == null ? TunnelSection.DEFAULTS : tunnel;
            this.reconnect = reconnect == null ? ReconnectSection.DEFAULTS : reconnect;
            this.socks = socks;
            this.forwards = forwards == null ? List.of() : List.copyOf(forwards);
            this.uncovered = mode;
            this.threads = threads == null ? 0 : threads;
            if (steeringPolicyPullInterval != null
                    && steeringPolicyPullInterval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("steeringPolicyPullInterval: "
                        + steeringPolicyPullInterval.toMillis() + "ms is too short (expected: "
                        + "at least 1s, such as 15m)");
            }
            this.steeringPolicyPullInterval = steeringPolicyPullInterval == null
                    ? DEFAULT_PULL_INTERVAL : steeringPolicyPullInterval;
            this.posture = posture == null ? PostureSection.DEFAULTS : posture;
            this.dns = dns;
            if (gatewayReevaluation != null
                    && gatewayReevaluation.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("gatewayReevaluation: "
                        + gatewayReevaluation.toMillis() + "ms is too short (expected: at least "
                        + "1s, such as 60s)");
            }
            this.gatewayReevaluation = gatewayReevaluation == null
                    ? DEFAULT_GATEWAY_REEVALUATION : gatewayReevaluation;
            this.httpProxy = httpProxy;
            this.capture = capture == null ? CaptureSection.DEFAULTS : capture;
        }

        @Override
        public void validate(ValidationContext context) throws ConfigException {
            tunnel.validate(context.at("tunnel"));
            reconnect.validate(context.at("reconnect"));
            Threads.check(context, "threads", threads);
            posture.validate(context.at("posture"));
            if (dns != null) {
                dns.validate(context.at("dns"));
            }
            capture.validate(context.at("capture"));
        }
    }

    /** Reads and checks a config file; the error names the file, line and field. */
    public static ClientAgentConfig load(Path path) throws ConfigException {
        File file = ConfigLoader.load(path, File.class);
        Path baseDir = path.toAbsolutePath().getParent();
        TlsConfig tls = file.tls().toTlsConfig(baseDir);
        OwnCertificate.check(path, tls, PeerRole.USER);
        List<InetSocketAddress> gateways = new ArrayList<>();
        file.gateways().forEach(gateway -> gateways.add(gateway.toSocketAddress()));
        List<PortForwardSpec> forwards = new ArrayList<>();
        file.forwards().forEach(forward -> forwards.add(
                new PortForwardSpec(forward.listen().toSocketAddress(), forward.to())));
        return new ClientAgentConfig(gateways,
                file.admin() == null ? null : file.admin().toSocketAddress(),
                tls, file.tunnel(), file.reconnect(),
                file.socks() == null ? null : file.socks().toSocketAddress(), forwards,
                file.uncovered().equals("direct"), file.threads(),
                file.steeringPolicyPullInterval(), file.posture().resolve(baseDir),
                file.dns() == null ? null : file.dns().resolve(baseDir),
                file.gatewayReevaluation(),
                file.httpProxy() == null ? null : file.httpProxy().toSocketAddress(),
                file.capture());
    }
}
