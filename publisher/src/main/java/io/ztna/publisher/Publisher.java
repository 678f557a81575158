package io.ztna.publisher;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.ztna.proto.admin.AdminServer;
import io.ztna.proto.dns.UpstreamDnsClient;
import io.ztna.proto.metrics.DataPlaneMetrics;
import io.ztna.proto.metrics.TunnelMeter;
import io.ztna.proto.metrics.TunnelSamples;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.transport.Transports;
import io.ztna.proto.tunnel.TunnelDialer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher. It keeps tunnels to the closest of its configured publisher gateways, dialling
 * out so that the private network needs no inbound port. It connects the flows those gateways
 * open to apps inside its scope and reports app reachability and its flow count to them.
 */
public final class Publisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private final PublisherConfig config;
    private final EventLoopGroup group;
    private final AppResolver resolver;
    private final GatewayRttProbe probe;
    private final DataPlaneMetrics metrics = new DataPlaneMetrics();
    private AppConnector connector;
    private ReachabilityProber prober;
    private GatewayPool pool;
    private StatusReporter reporter;
    private AdminServer admin;
    private boolean closed;

    public Publisher(PublisherConfig config) {
        this(config, null);
    }

    /**
     * Creates a publisher that measures the RTT to its gateways with {@code probe}, or with a
     * TCP connect when it is null.
     */
    public Publisher(PublisherConfig config, GatewayRttProbe probe) {
        this.config = config;
        this.group = Transports.newGroup(config.threads());
        this.resolver = new AppResolver(config.staticHosts(), config.systemResolver());
        this.probe = probe != null ? probe : new TcpGatewayRttProbe(group);
    }

    public Publisher start() throws IOException, InterruptedException {
        SslContext ssl = TlsContexts.client(config.tls(), PeerRole.PUBLISHER_GATEWAY);
        PublisherDnsResolver dns = new PublisherDnsResolver(config.id(), config.scope(),
                config.staticHosts(),
                new UpstreamDnsClient(group, config.dnsResolvers(), config.dnsTimeout()));
        connector = new AppConnector(config.id(), config.scope(), resolver,
                (int) config.connectTimeout().toMillis(), dns, metrics);
        TunnelOptions tunnelOptions =
                config.tunnel().toOptions().withObserver(new TunnelMeter(metrics));
        EventLoop control = group.next();
        prober = new ReachabilityProber(config.reachability(), resolver, control);
        reporter = new StatusReporter(control, prober, config.reachability().interval(),
                connector::activeFlows, () -> pool.tunnels());
        pool = new GatewayPool(control, config.gateways(), config.gatewayCount(),
                config.gatewayReevaluation(), probe,
                (gateway, onReady, onDown, onGoAway) -> new TunnelDialer(group, gateway, ssl,
                        tunnelOptions,
                        (peer, channel) -> new GatewayTunnelListener(connector, onGoAway),
                        config.reconnect().newBackoff(), onReady, onDown).localId(config.id()),
                reporter::tunnelUp);
        registerTunnelGauges();
        reporter.start();
        pool.start();
        if (config.admin() != null) {
            admin = new AdminServer(config.admin(), this::isReady, this::status, metrics)
                    .start(group);
        }
        log.info("publisher started: id={} gateways={} gatewayCount={} probedApps={} "
                + "transport={} tls={}", config.id(), config.gateways(), config.gatewayCount(),
                config.reachability().apps().size(), Transports.name(), TlsContexts.provider());
        return this;
    }

    /** Ready while at least one gateway tunnel takes flows. */
    public boolean isReady() {
        return pool != null && pool.isReady();
    }

    /** Returns this publisher's metrics, as served on the admin endpoint's {@code /metrics}. */
    public DataPlaneMetrics metrics() {
        return metrics;
    }

    /**
     * Registers the gauges of the tunnels to chosen gateways and their keepalive round trips.
     * A chosen gateway whose dialer is still connecting counts as down, one being replaced
     * still takes flows and counts as up, and gateways not chosen are no tunnels.
     */
    private void registerTunnelGauges() {
        String role = PeerRole.PUBLISHER_GATEWAY.wireName();
        metrics.tunnels(callback -> {
            int up = 0;
            int draining = 0;
            int down = 0;
            for (GatewayStatus gateway : pool.status()) {
                switch (gateway.state()) {
                    case UP, REPLACING -> up++;
                    case DRAINING -> draining++;
                    case CONNECTING -> down++;
                    default -> {
                    }
                }
            }
            callback.call(up, role, TunnelSamples.UP);
            callback.call(draining, role, TunnelSamples.DRAINING);
            callback.call(down, role, TunnelSamples.DOWN);
        });
        metrics.tunnelRtt(callback -> TunnelSamples.reportRtt(callback, role, pool.tunnels()));
    }

    /** Returns every configured gateway with its RTT and state, in config order. */
    public List<GatewayStatus> gatewayStatus() {
        return pool == null ? List.of() : pool.status();
    }

    /**
     * Measures the RTT to every gateway now and moves tunnels to gateways that are clearly
     * closer, as the periodic reevaluation does. The future completes once the choice is
     * applied, when new tunnels may still be connecting.
     */
    public CompletableFuture<Void> reevaluateGateways() {
        return pool.reevaluate("reevaluation requested");
    }

    /** Returns the number of flows relaying between a gateway and an app now. */
    public int activeFlows() {
        return connector == null ? 0 : connector.activeFlows();
    }

    /** Returns the admin endpoint's address, or null when none is configured. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.localAddress();
    }

    private Object status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("role", "publisher");
        status.put("id", config.id());
        status.put("gatewayCount", config.gatewayCount());
        List<Map<String, Object>> gateways = new ArrayList<>();
        for (GatewayStatus gateway : pool.status()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("gateway", gateway.gateway());
            entry.put("state", gateway.state().wireName());
            entry.put("rttMicros", gateway.rttMicros());
            entry.put("tunnelRttMicros", gateway.tunnelRttMicros());
            entry.put("streams", gateway.streams());
            entry.put("error", gateway.error());
            gateways.add(entry);
        }
        status.put("gateways", gateways);
        status.put("activeFlows", connector.activeFlows());
        status.put("apps", prober.current());
        return status;
    }

    /** Stops the publisher: drains its tunnels and stops its threads. Later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("publisher stopping: id={}", config.id());
        if (reporter != null) {
            reporter.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (admin != null) {
            admin.close();
        }
        resolver.close();
        group.shutdownGracefully(100, 2_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
