package io.ztna.publisher;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.ztna.proto.admin.AdminServer;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.dns.UpstreamDnsClient;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.transport.Transports;
import io.ztna.proto.tunnel.TunnelDialer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher: keeps a tunnel to each configured publisher gateway (dialling out, so the
 * private network needs no inbound port) and connects the flows those gateways open to apps
 * inside its scope.
 */
public final class Publisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private final PublisherConfig config;
    private final EventLoopGroup group;
    private final AppResolver resolver;
    private final List<TunnelDialer> dialers = new ArrayList<>();
    private AdminServer admin;

    public Publisher(PublisherConfig config) {
        this.config = config;
        this.group = Transports.newGroup(config.threads());
        this.resolver = new AppResolver(config.staticHosts(), config.systemResolver());
    }

    public Publisher start() throws IOException, InterruptedException {
        SslContext ssl = TlsContexts.client(config.tls(), PeerRole.PUBLISHER_GATEWAY);
        PublisherDnsResolver dns = new PublisherDnsResolver(config.id(), config.scope(),
                config.staticHosts(),
                new UpstreamDnsClient(group, config.dnsResolvers(), config.dnsTimeout()));
        AppConnector connector = new AppConnector(config.id(), config.scope(), resolver,
                (int) config.connectTimeout().toMillis(), dns);
        for (InetSocketAddress gateway : config.gateways()) {
            TunnelDialer dialer = new TunnelDialer(group, gateway, ssl,
                    config.tunnel().toOptions(), (peer, channel) -> connector,
                    config.reconnect().newBackoff(), tunnel -> { });
            dialers.add(dialer);
            dialer.start();
        }
        if (config.admin() != null) {
            admin = new AdminServer(config.admin(), this::isReady, this::status).start(group);
        }
        log.info("publisher started: id={} gateways={} transport={} tls={}", config.id(),
                config.gateways(), Transports.name(), TlsContexts.provider());
        return this;
    }

    /** Ready while at least one gateway tunnel is up. */
    public boolean isReady() {
        for (TunnelDialer dialer : dialers) {
            if (dialer.current() != null) {
                return true;
            }
        }
        return false;
    }

    /** Returns the admin endpoint's address, or null when none is configured. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.localAddress();
    }

    private Object status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("role", "publisher");
        status.put("id", config.id());
        List<Map<String, Object>> tunnels = new ArrayList<>();
        for (TunnelDialer dialer : dialers) {
            Map<String, Object> entry = new LinkedHashMap<>();
            Tunnel tunnel = dialer.current();
            entry.put("gateway", dialer.target().toString());
            entry.put("state", tunnel == null ? "down" : "up");
            entry.put("peer", tunnel == null ? null : tunnel.peer());
            entry.put("streams", tunnel == null ? 0 : tunnel.streamCount());
            tunnels.add(entry);
        }
        status.put("tunnels", tunnels);
        return status;
    }

    @Override
    public void close() {
        log.info("publisher stopping: id={}", config.id());
        for (TunnelDialer dialer : dialers) {
            dialer.close();
        }
        if (admin != null) {
            admin.close();
        }
        resolver.close();
        group.shutdownGracefully(100, 2_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
