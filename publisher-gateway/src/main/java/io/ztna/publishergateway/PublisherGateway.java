package io.ztna.publishergateway;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.ztna.proto.control.PresenceMessage.PublisherState;
import io.ztna.proto.admin.AdminServer;
import io.ztna.proto.metrics.DataPlaneMetrics;
import io.ztna.proto.metrics.FlowMeter;
import io.ztna.proto.metrics.TunnelMeter;
import io.ztna.proto.metrics.TunnelSamples;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.SpiffeId;
import io.ztna.proto.tls.TlsConfig;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.transport.Transports;
import io.ztna.proto.tunnel.TunnelAcceptor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher gateway: accepts tunnels from publishers and from client gateways on one
 * address, announces to client gateways which publishers are connected, and joins each flow a client
 * gateway opens to the named publisher.
 */
public final class PublisherGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PublisherGateway.class);

    private final PublisherGatewayConfig config;
    private final EventLoopGroup group;
    private final PublisherRegistry registry;
    private final DataPlaneMetrics metrics = new DataPlaneMetrics();
    private final FlowMeter flows = new FlowMeter(metrics);
    private volatile TunnelAcceptor acceptor;
    private AdminServer admin;
    private ScheduledFuture<?> rttUpdates;
    private boolean closed;

    public PublisherGateway(PublisherGatewayConfig config) {
        this.config = config;
        this.group = Transports.newGroup(config.threads());
        this.registry = new PublisherRegistry(config.id());
    }

    /** Binds the listener; returns once it accepts connections. */
    public PublisherGateway start() throws IOException, InterruptedException {
        TlsConfig tls = config.tls();
        SslContext ssl = TlsContexts.server(
                tls, EnumSet.of(PeerRole.PUBLISHER, PeerRole.CLIENT_GATEWAY));
        acceptor = new TunnelAcceptor(group, config.listen(), ssl,
                config.tunnelOptions().withObserver(new TunnelMeter(metrics)),
                this::listenerFor).bind();
        registerTunnelGauges();
        rttUpdates = group.next().scheduleAtFixedRate(registry::announceRttChanges,
                PublisherRegistry.RTT_UPDATE_INTERVAL_SECONDS,
                PublisherRegistry.RTT_UPDATE_INTERVAL_SECONDS, TimeUnit.SECONDS);
        if (config.admin() != null) {
            admin = new AdminServer(config.admin(), this::isReady, this::status, metrics)
                    .start(group);
        }
        log.info("publisher gateway started: id={} listen={} transport={} tls={}", config.id(),
                acceptor.localAddress(), Transports.name(), TlsContexts.provider());
        return this;
    }

    private void registerTunnelGauges() {
        String publisher = PeerRole.PUBLISHER.wireName();
        String clientGateway = PeerRole.CLIENT_GATEWAY.wireName();
        metrics.tunnels(callback -> {
            TunnelSamples.reportStates(callback, publisher, registry.publisherTunnels());
            TunnelSamples.reportStates(callback, clientGateway, registry.clientGatewayTunnels());
        });
        metrics.tunnelRtt(callback -> {
            TunnelSamples.reportRtt(callback, publisher, registry.publisherTunnels());
            TunnelSamples.reportRtt(callback, clientGateway, registry.clientGatewayTunnels());
        });
    }

    private TunnelListener listenerFor(SpiffeId peer, Channel channel) {
        if (peer.role() == PeerRole.PUBLISHER) {
            return new PublisherTunnelListener(registry, config.id(), peer.name());
        }
        return new ClientGatewayTunnelListener(registry, config.id(), peer.name(), flows);
    }

    /**
     * Ready while the tunnel listener is bound. A publisher gateway depends on no other tier:
     * publishers and client gateways dial it.
     */
    public boolean isReady() {
        TunnelAcceptor current = acceptor;
        return current != null && current.isBound();
    }

    /** Returns this gateway's metrics, as served on the admin endpoint's {@code /metrics}. */
    public DataPlaneMetrics metrics() {
        return metrics;
    }

    public InetSocketAddress localAddress() {
        return acceptor.localAddress();
    }

    /** Ids of the publishers connected now. */
    public List<String> connectedPublishers() {
        return registry.publisherIds();
    }

    /** Returns the tunnels of the publishers connected now. */
    public List<Tunnel> publisherTunnels() {
        return registry.publisherTunnels();
    }

    public int clientGatewayCount() {
        return registry.clientGatewayCount();
    }

    /** Returns the admin endpoint's address, or null when none is configured. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.localAddress();
    }

    private Object status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("role", "publisher-gateway");
        status.put("id", config.id());
        status.put("listen", acceptor.localAddress().toString());
        List<Map<String, Object>> publishers = new ArrayList<>();
        for (PublisherState state : registry.publisherStates()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", state.id());
            entry.put("connected", state.connected());
            entry.put("activeFlows", state.activeFlows());
            entry.put("rttMicros", state.rttMicros());
            entry.put("apps", state.apps());
            publishers.add(entry);
        }
        status.put("publishers", publishers);
        status.put("clientGateways", registry.clientGatewayCount());
        return status;
    }

    /**
     * Stops accepting, sends GOAWAY on every tunnel and waits for their flows to finish, at
     * most the tunnel drain timeout. Calls after the first do nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("publisher gateway stopping: id={}", config.id());
        if (acceptor != null) {
            acceptor.close();
        }
        if (rttUpdates != null) {
            rttUpdates.cancel(false);
        }
        if (admin != null) {
            admin.close();
        }
        registry.shutdownAll("publisher gateway " + config.id() + " is shutting down",
                config.tunnelOptions().drainTimeoutMillis());
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
