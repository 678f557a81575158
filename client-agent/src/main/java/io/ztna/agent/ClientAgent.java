package io.ztna.agent;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.ztna.agent.capture.CaptureSection;
import io.ztna.agent.capture.FlowOpener;
import io.ztna.agent.capture.HttpConnectServer;
import io.ztna.agent.capture.PortForward;
import io.ztna.agent.capture.SocksServer;
import io.ztna.agent.capture.StubAddressLookup;
import io.ztna.agent.dns.DnsServer;
import io.ztna.agent.dns.PublisherDns;
import io.ztna.agent.gateway.FailoverDialer;
import io.ztna.agent.capture.TransparentCapture;
import io.ztna.agent.posture.DeviceKey;
import io.ztna.agent.posture.PostureCollector;
import io.ztna.agent.posture.PostureReporter;
import io.ztna.agent.posture.PostureSources;
import io.ztna.agent.steering.SteeringState;
import io.ztna.proto.admin.AdminServer;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ControlMessage;
import io.ztna.proto.control.DnsAnswerMessage;
import io.netty.util.concurrent.ScheduledFuture;
import io.ztna.agent.steering.Notice;
import io.ztna.agent.dns.PublisherDns;
import io.ztna.agent.dns.TunnelPublisherDns;
import io.ztna.proto.control.DnsAnswerMessage;
import io.ztna.proto.control.NoticeMessage;
import io.ztna.proto.control.ReauthChallengeMessage;
import io.ztna.proto.control.SteeringPolicyMessage;
import io.ztna.proto.control.SteeringPolicyPullMessage;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.log.TunnelEvents;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.tls.PeerIdentity;
import io.ztna.proto.tls.SpiffeId;
import java.security.cert.CertificateException;
import java.time.Instant;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.metrics.DataPlaneMetrics;
import io.ztna.proto.metrics.FlowMeter;
import io.ztna.proto.metrics.TunnelMeter;
import io.ztna.proto.metrics.TunnelSamples;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client agent: keeps one tunnel to the closest reachable client gateway, applies the steering policy the
 * gateway sends, captures flows through its SOCKS5 server and port forwards, and reports the
 * device's posture.
 */
public final class ClientAgent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientAgent.class);

    private final ClientAgentConfig config;
    private final EventLoopGroup group;
    private final SteeringState steering;
    private final TunnelPublisherDns publisherDns;
    private volatile String lastDisconnect;
    private volatile String selfId;
    private final List<AutoCloseable> listeners = new ArrayList<>();
    private volatile FailoverDialer dialer;
    private SocksServer socks;
    private HttpConnectServer httpProxy;
    private final StubAddressLookup stubs;
    private TransparentCapture capture;
    private AdminServer admin;
    private PostureReporter posture;
    private volatile DnsServer dns;
    private final DataPlaneMetrics metrics = new DataPlaneMetrics();

    /** Creates an agent whose transparent capture maps stub addresses with its DNS server. */
    public ClientAgent(ClientAgentConfig config) {
        this(config, null);
    }

    /**
     * @param stubs maps stub addresses back to app names for transparent capture, or null to
     *     use this agent's own DNS server
     */
    public ClientAgent(ClientAgentConfig config, StubAddressLookup stubs) {
        this.config = config;
        this.stubs = stubs == null ? stubLookup() : stubs;
        this.group = Transports.newGroup(config.threads());
        this.steering = new SteeringState(config.uncoveredDirect());
        this.publisherDns = new TunnelPublisherDns(
                () -> dialer == null ? null : dialer.current(), group.next());
    }

    public ClientAgent start() throws IOException, InterruptedException {
        SslContext ssl = TlsContexts.client(config.tls(), PeerRole.CLIENT_GATEWAY);
        posture = new PostureReporter(config.posture(),
                new PostureCollector(PostureSources.system(), config.posture().checks()),
                DeviceKey.load(config.tls().privateKeyFile())).start();
        dialer = new FailoverDialer(group, config.gateways(), ssl,
                config.tunnel().toOptions().withObserver(new TunnelMeter(metrics)),
                (peer, channel) -> new GatewayListener(peer), config.reconnect().newBackoff(),
                config.gatewayReevaluation(), posture::tunnelReady);
        registerTunnelGauge();
        FlowOpener opener = new MeteredFlowOpener(new FailoverFlowOpener(group,
                dialer::current, () -> dialer.gateways().toString(),
                config.tunnel().toOptions().openTimeoutMillis()), new FlowMeter(metrics));
        if (config.dns() != null) {
            dns = new DnsServer(group, config.dns(), steering::policy, publisherDns,
                    Clock.systemUTC()).withMetrics(metrics).start();
            listeners.add(dns);
        }
        if (config.capture().parsedMode() != CaptureSection.Mode.OFF) {
            startCapture(opener);
        }
        dialer.start();
        if (config.socks() != null) {
            socks = new SocksServer(group, config.socks(), opener, steering).start();
            listeners.add(socks);
        }
        if (config.httpProxy() != null) {
            httpProxy = new HttpConnectServer(group, config.httpProxy(), opener, steering).start();
            listeners.add(httpProxy);
        }
        for (ClientAgentConfig.PortForwardSpec forward : config.forwards()) {
            listeners.add(new PortForward(group, forward.listen(), forward.to().host(),
                    forward.to().port(), opener).start());
        }
        if (config.admin() != null) {
            admin = new AdminServer(config.admin(), this::isReady, this::status, metrics)
                    .start(group);
        }
        log.info("client agent started: gateways={} socks={} httpProxy={} capture={} forwards={} "
                + "transport={} tls={}", config.gateways(), config.socks(), config.httpProxy(),
                capture != null && capture.running() ? config.capture().mode() : "off",
                config.forwards().size(), Transports.name(), TlsContexts.provider());
        return this;
    }

    /**
     * Starts transparent capture before the tunnel dials, so the tunnel's socket carries the
     * mark that the capture rules let pass.
     */
    private void startCapture(FlowOpener opener) throws IOException, InterruptedException {
        capture = new TransparentCapture(group, config.capture(), stubs, steering, opener);
        if (capture.start(steering.policy())) {
            dialer.socketMark(capture.socketMark());
            steering.addListener(capture::policyChanged);
            listeners.add(capture);
        }
    }

    /**
     * Ready while the tunnel to a client gateway takes new streams and a steering policy has
     * been loaded.
     */
    public boolean isReady() {
        FailoverDialer current = dialer;
        Tunnel tunnel = current == null ? null : current.current();
        return tunnel != null && tunnel.acceptsNewStreams() && steering.policy() != null;
    }

    /** Returns this agent's metrics, as served on the admin endpoint's {@code /metrics}. */
    public DataPlaneMetrics metrics() {
        return metrics;
    }

    /**
     * Registers the gauge of the tunnel to a client gateway: the agent keeps one, so it is up,
     * draining or down. It gets no round-trip series, which are for tunnels between servers.
     */
    private void registerTunnelGauge() {
        String role = PeerRole.CLIENT_GATEWAY.wireName();
        metrics.tunnels(callback -> {
            Tunnel tunnel = dialer.current();
            TunnelSamples.reportStates(callback, role,
                    tunnel == null ? List.of() : List.of(tunnel), tunnel == null ? 1 : 0);
        });
    }

    /** Returns the resolver that sends publisher DNS queries through the tunnel. */
    public PublisherDns publisherDns() {
        return publisherDns;
    }

    public SteeringState steering() {
        return steering;
    }

    /** Returns the SOCKS5 listener's address, or null when none is configured. */
    public InetSocketAddress socksAddress() {
        return socks == null ? null : socks.localAddress();
    }

    /** Returns the DNS server's address, or null when none is configured. */
    public InetSocketAddress dnsAddress() {
        DnsServer server = dns;
        return server == null ? null : server.localAddress();
    }

    /**
     * Returns the lookup from stub address to app name. It finds nothing while no DNS server
     * is configured or before it started.
     */
    public StubAddressLookup stubLookup() {
        return address -> {
            DnsServer server = dns;
            return server == null ? null : server.stubLookup().hostFor(address);
        };
    }

    /** Returns the HTTP CONNECT proxy's address, or null when none is configured. */
    public InetSocketAddress httpProxyAddress() {
        return httpProxy == null ? null : httpProxy.localAddress();
    }

    /** Returns the admin endpoint's address, or null when none is configured. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.localAddress();
    }

    /** Returns the snapshot served at the admin endpoint's {@code /status}. */
    Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        Tunnel tunnel = dialer.current();
        status.put("role", "client-agent");
        InetSocketAddress gateway = dialer.currentGateway();
        status.put("gateway", gateway == null ? null : gateway.toString());
        status.put("gateways", dialer.status());
        status.put("tunnel", tunnel == null ? "down" : "up");
        status.put("peer", tunnel == null ? null : tunnel.peer());
        status.put("streams", tunnel == null ? 0 : tunnel.streamCount());
        SteeringPolicy srp = steering.policy();
        status.put("steeringPolicyVersion", srp == null ? null : srp.version());
        status.put("steeringApps", srp == null ? List.of() : srp.apps().stream()
                .map(app -> Map.of("name", app.name(), "hosts", app.hosts().toString(),
                        "protocols", app.protocols().toString()))
                .toList());
        status.put("blockedApps", srp == null ? List.of() : srp.blocked().stream()
                .map(app -> Map.of("name", app.name(), "hosts", app.hosts().toString(),
                        "rule", String.valueOf(app.rule())))
                .toList());
        status.put("socks", socks == null ? null : socks.localAddress().toString());
        status.put("httpProxy", httpProxy == null ? null : httpProxy.localAddress().toString());
        status.put("capture", capture == null ? Map.of("mode", "off") : capture.status());
        status.put("lastDisconnect", lastDisconnect);
        status.put("notices", steering.notices().recent());
        status.put("posture", posture.lastSent());
        status.put("lastReauth",
                posture.lastReauth() == null ? null : posture.lastReauth().toString());
        status.put("dns", dns == null ? null : dns.status());
        return status;
    }

    @Override
    public void close() {
        log.info("client agent stopping");
        for (AutoCloseable listener : listeners) {
            try {
                listener.close();
            } catch (Exception e) {
                log.warn("listener did not close cleanly", e);
            }
        }
        if (admin != null) {
            admin.close();
        }
        if (posture != null) {
            posture.close();
        }
        Tunnel tunnel = dialer == null ? null : dialer.current();
        if (dialer != null) {
            dialer.close();
        }
        if (tunnel != null) {
            tunnel.channel().closeFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Returns this agent's id for tunnel events: {@code USER/DEVICE} from its certificate, or
     * null when the certificate cannot be read, which the TLS setup reports on its own.
     */
    private String selfId() {
        String id = selfId;
        if (id == null) {
            try {
                SpiffeId own = PeerIdentity.ofFile(config.tls().certificateChainFile());
                id = own.device() == null ? own.name() : own.name() + "/" + own.device();
            } catch (CertificateException e) {
                return null;
            }
            selfId = id;
        }
        return id;
    }

    /**
     * Events of the tunnel to the client gateway: steering policy pushes and pulls, notices,
     * re-authentication challenges, and the reason the gateway gives when it closes the tunnel.
     */
    private final class GatewayListener implements TunnelListener {

        private final SpiffeId peer;
        /** Whether the tunnel came up, so that one that never did logs no down event. */
        private boolean up;
        private ScheduledFuture<?> pullTimer;
        private String goAwayReason;

        GatewayListener(SpiffeId peer) {
            this.peer = peer;
        }

        @Override
        public void onReady(Tunnel tunnel) {
            up = true;
            TunnelEvents.up(selfId(), peer, tunnel.channel().remoteAddress());
            long millis = config.steeringPolicyPullInterval().toMillis();
            pullTimer = tunnel.channel().eventLoop().scheduleAtFixedRate(() -> {
                SteeringPolicy current = steering.policy();
                tunnel.sendControl(ControlCodec.encode(new SteeringPolicyPullMessage(
                        current == null ? 0 : current.version())));
            }, millis, millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void onStreamOpened(Tunnel tunnel, Stream stream) {
            stream.reject(OpenResult.DENIED_BY_POLICY, "agents do not accept flows");
        }

        @Override
        public void onControl(Tunnel tunnel, String json) {
            ControlMessage message;
            try {
                message = ControlCodec.decode(json);
            } catch (IllegalArgumentException e) {
                log.warn("{} control message rejected: error={}",
                        tunnel.channel().id().asShortText(), e.getMessage());
                return;
            }
            if (message instanceof SteeringPolicyMessage srp) {
                steering.apply(srp.policy());
            } else if (message instanceof ReauthChallengeMessage challenge) {
                posture.respond(tunnel, challenge);
            } else if (message instanceof DnsAnswerMessage answer) {
                publisherDns.onAnswer(answer);
            } else if (message instanceof NoticeMessage notice) {
                steering.notices().add(new Notice(Instant.now().toString(), "gateway",
                        notice.rule(), notice.app(), notice.destination(), notice.text()));
            }
        }

        @Override
        public void onGoAway(Tunnel tunnel, ErrorCode code, String reason) {
            if (code != ErrorCode.NO_ERROR) {
                goAwayReason = code + ": " + reason;
            }
        }

        @Override
        public void onClosed(Tunnel tunnel, String reason) {
            if (pullTimer != null) {
                pullTimer.cancel(false);
            }
            String finalReason = goAwayReason != null ? goAwayReason : reason;
            lastDisconnect = Instant.now() + " " + finalReason;
            if (up) {
                TunnelEvents.down(selfId(), peer, tunnel.channel().remoteAddress(), finalReason);
            }
        }
    }
}
