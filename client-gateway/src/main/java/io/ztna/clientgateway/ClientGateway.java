package io.ztna.clientgateway;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.ztna.clientgateway.agent.AgentSession;
import io.ztna.clientgateway.agent.PeerCertificateCheck;
import io.ztna.clientgateway.policy.AccessPolicy;
import io.ztna.clientgateway.policy.PolicyStore;
import io.ztna.clientgateway.routing.PublisherDirectory;
import io.ztna.clientgateway.routing.PublisherGatewayListener;
import io.ztna.clientgateway.routing.PublisherLink;
import io.ztna.clientgateway.routing.PublisherSelector;
import io.ztna.proto.admin.AdminServer;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.dns.DnsQueryRelay;
import io.ztna.clientgateway.agent.ClientGatewayMetrics;
import io.ztna.proto.metrics.DataPlaneMetrics;
import io.ztna.proto.metrics.TunnelMeter;
import io.ztna.proto.metrics.TunnelSamples;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.RevocationList;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.transport.Transports;
import io.ztna.proto.tunnel.TunnelAcceptor;
import io.ztna.proto.tunnel.TunnelDialer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client gateway: terminates agent tunnels, decides every flow with its policy, keeps a
 * tunnel to each publisher gateway and learns from them which publishers are connected.
 */
public final class ClientGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientGateway.class);

    private final ClientGatewayConfig config;
    private final EventLoopGroup group;
    private final PublisherDirectory directory = new PublisherDirectory();
    private final PublisherSelector selector;
    private final DnsQueryRelay dnsRelay;
    private final List<TunnelDialer> dialers = new ArrayList<>();
    private final DataPlaneMetrics metrics = new DataPlaneMetrics();
    private final ClientGatewayMetrics sessionMetrics = new ClientGatewayMetrics(metrics);
    private final Map<Tunnel, AgentSession> agents = new ConcurrentHashMap<>();
    private PolicyStore policies;
    private volatile TunnelAcceptor acceptor;
    private AdminServer admin;

    public ClientGateway(ClientGatewayConfig config) {
        this.config = config;
        this.group = Transports.newGroup(config.threads());
        this.dnsRelay = new DnsQueryRelay(config.id());
        this.selector = new PublisherSelector(config.stickiness(), config.latencyTolerance());
    }

    public ClientGateway start() throws ConfigException, IOException, InterruptedException {
        policies = PolicyStore.load(config.policyFile());
        PeerCertificateCheck certificateCheck = PeerCertificateCheck.of(
                config.tls().crlFile() == null ? null
                        : RevocationList.load(config.tls().crlFile(), config.tls().caFile()));
        metrics.policyVersion.set(policies.current().version());
        policies.onChange((previous, next) -> {
            metrics.policyVersion.set(next.version());
            for (AgentSession session : agents.values()) {
                session.policyChanged(next);
            }
        });
        policies.onReloadAttempt(outcome -> metrics.reloads.labelValues(outcome).inc());
        TunnelOptions tunnelOptions =
                config.tunnel().toOptions().withObserver(new TunnelMeter(metrics));
        SslContext upstreamSsl = TlsContexts.client(config.tls(), PeerRole.PUBLISHER_GATEWAY);
        for (InetSocketAddress gateway : config.publisherGateways()) {
            TunnelDialer dialer = new TunnelDialer(group, gateway, upstreamSsl, tunnelOptions,
                    (peer, channel) -> new PublisherGatewayListener(directory, peer.name(),
                            dnsRelay),
                    config.reconnect().newBackoff(), tunnel -> { }).localId(config.id());
            dialers.add(dialer);
            dialer.start();
        }
        SslContext agentSsl = TlsContexts.server(config.tls(), EnumSet.of(PeerRole.USER));
        registerTunnelGauges();
        acceptor = new TunnelAcceptor(group, config.listen(), agentSsl, tunnelOptions,
                (peer, channel) -> {
                    AgentSession session = new AgentSession(config.id(), peer,
                            AgentSession.peerCertificate(channel), policies, directory,
                            selector, certificateCheck, dnsRelay, sessionMetrics);
                    return new TrackingListener(session, agents);
                }).bind();
        policies.watch(config.policyReloadInterval());
        if (config.admin() != null) {
            admin = new AdminServer(config.admin(), this::isReady, this::status, metrics)
                    .start(group);
        }
        log.info("client gateway started: id={} listen={} publisherGateways={} apps={} "
                        + "transport={} tls={}", config.id(), acceptor.localAddress(),
                config.publisherGateways(), policies.current().appCount(), Transports.name(),
                TlsContexts.provider());
        return this;
    }

    public InetSocketAddress localAddress() {
        return acceptor.localAddress();
    }

    /** Returns the admin endpoint's address, or null when none is configured. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.localAddress();
    }

    /** Returns the agent tunnels that are up now. */
    public List<Tunnel> agentTunnels() {
        return new ArrayList<>(agents.keySet());
    }

    /** Returns the tunnels to publisher gateways that are up now. */
    public List<Tunnel> publisherGatewayTunnels() {
        List<Tunnel> tunnels = new ArrayList<>();
        for (TunnelDialer dialer : dialers) {
            Tunnel tunnel = dialer.current();
            if (tunnel != null) {
                tunnels.add(tunnel);
            }
        }
        return tunnels;
    }

    /** Returns the sessions of the agent tunnels that are up now. */
    public List<AgentSession> agentSessions() {
        return new ArrayList<>(agents.values());
    }

    /** Returns the policy store, to read the policy in force or reload it. */
    public PolicyStore policies() {
        return policies;
    }

    public PublisherDirectory directory() {
        return directory;
    }

    /**
     * Ready while the agent listener is bound and at least one publisher-gateway tunnel takes
     * new streams.
     */
    public boolean isReady() {
        TunnelAcceptor current = acceptor;
        if (current == null || !current.isBound()) {
            return false;
        }
        for (TunnelDialer dialer : dialers) {
            Tunnel tunnel = dialer.current();
            if (tunnel != null && tunnel.acceptsNewStreams()) {
                return true;
            }
        }
        return false;
    }

    /** Returns this gateway's metrics, as served on the admin endpoint's {@code /metrics}. */
    public DataPlaneMetrics metrics() {
        return metrics;
    }

    /**
     * Registers the gauges of agent and publisher-gateway tunnels, and the keepalive round
     * trip of each publisher-gateway tunnel. Agent tunnels get no round-trip series, because
     * their number is unbounded.
     */
    private void registerTunnelGauges() {
        String user = PeerRole.USER.wireName();
        String publisherGateway = PeerRole.PUBLISHER_GATEWAY.wireName();
        metrics.tunnels(callback -> {
            TunnelSamples.reportStates(callback, user, agents.keySet());
            List<Tunnel> upstream = publisherGatewayTunnels();
            TunnelSamples.reportStates(callback, publisherGateway, upstream,
                    dialers.size() - upstream.size());
        });
        metrics.tunnelRtt(callback -> TunnelSamples.reportRtt(callback, publisherGateway,
                publisherGatewayTunnels()));
    }

    private Object status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("role", "client-gateway");
        status.put("id", config.id());
        status.put("listen", acceptor.localAddress().toString());
        status.put("agents", agents.size());
        status.put("policyVersion", policies.current().version());
        List<Map<String, Object>> tunnels = new ArrayList<>();
        for (TunnelDialer dialer : dialers) {
            Map<String, Object> entry = new LinkedHashMap<>();
            Tunnel tunnel = dialer.current();
            entry.put("publisherGateway", dialer.target().toString());
            entry.put("state", tunnel == null ? "down" : "up");
            entry.put("peer", tunnel == null ? null : tunnel.peer());
            entry.put("streams", tunnel == null ? 0 : tunnel.streamCount());
            tunnels.add(entry);
        }
        status.put("tunnels", tunnels);
        status.put("publishers", directory.connectedPublishers());
        List<Map<String, Object>> links = new ArrayList<>();
        for (PublisherLink link : directory.allLinks()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("publisher", link.publisher());
            entry.put("publisherGateway", link.gateway());
            entry.put("connected", link.state().connected() && link.acceptsNewStreams());
            entry.put("activeFlows", link.state().activeFlows());
            entry.put("inFlight", directory.inFlight(link.publisher()));
            entry.put("publisherRttMicros", link.state().rttMicros());
            entry.put("gatewayRttMicros",
                    link.gatewayRttNanos() < 0 ? -1 : link.gatewayRttNanos() / 1_000);
            entry.put("apps", link.state().apps());
            links.add(entry);
        }
        status.put("publisherLinks", links);
        return status;
    }

    /**
     * Stops accepting, sends GOAWAY on every tunnel and waits for their flows to finish, at most
     * the tunnel drain timeout.
     */
    @Override
    public void close() {
        log.info("client gateway stopping: id={}", config.id());
        if (acceptor != null) {
            acceptor.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (policies != null) {
            policies.close();
        }
        List<Tunnel> open = new ArrayList<>(agents.keySet());
        for (Tunnel agent : open) {
            agent.shutdownGracefully("client gateway " + config.id() + " is shutting down");
        }
        for (TunnelDialer dialer : dialers) {
            Tunnel tunnel = dialer.current();
            dialer.close();
            if (tunnel != null) {
                open.add(tunnel);
            }
        }
        // Each tunnel closes by itself once its flows finished or its drain timeout passed.
        long deadline = System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(config.tunnel().drainTimeout().toMillis() + 1_000);
        for (Tunnel tunnel : open) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                tunnel.channel().closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
