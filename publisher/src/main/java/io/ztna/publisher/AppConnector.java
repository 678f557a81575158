package io.ztna.publisher;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ControlMessage;
import io.ztna.proto.control.DnsQueryMessage;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.frame.Protocol;
import io.ztna.proto.metrics.DataPlaneMetrics;
import io.ztna.proto.metrics.DnsLabels;
import io.ztna.proto.metrics.FlowMeter;
import io.ztna.proto.log.LogAddresses;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.relay.ConnectFailures;
import io.ztna.proto.relay.EarlyInbound;
import io.ztna.proto.relay.RelaySummary;
import io.ztna.proto.relay.SocketStreamRelay;
import io.ztna.proto.transport.Transports;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the flows a publisher gateway opens on one tunnel: checks the destination against the
 * publisher's scope, resolves it, connects to the app and relays. The open result tells the
 * client exactly why a flow failed (refused, unreachable, timed out, DNS failure, out of scope).
 * App sockets use the tunnel's event loop, so a flow's two sides never cross threads.
 */
final class AppConnector implements TunnelListener {

    private static final Logger log = LoggerFactory.getLogger(AppConnector.class);

    private final String publisherId;
    private final PublisherScope scope;
    private final AppResolver resolver;
    private final int connectTimeoutMillis;
    private final PublisherDnsResolver dns;
    private final AtomicInteger activeFlows = new AtomicInteger();
    private final DataPlaneMetrics metrics;
    private final FlowMeter flows;

    AppConnector(String publisherId, PublisherScope scope, AppResolver resolver,
            int connectTimeoutMillis, PublisherDnsResolver dns, DataPlaneMetrics metrics) {
        this.metrics = metrics;
        this.flows = new FlowMeter(metrics);
        this.publisherId = publisherId;
        this.scope = scope;
        this.resolver = resolver;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.dns = dns;
    }

    /** Returns the number of flows relaying between a gateway and an app now. */
    int activeFlows() {
        return activeFlows.get();
    }

    /** Answers publisher DNS queries; other control messages are logged and dropped. */
    @Override
    public void onControl(Tunnel tunnel, String json) {
        ControlMessage message;
        try {
            message = ControlCodec.decode(json);
        } catch (IllegalArgumentException e) {
            log.warn("{} control message rejected: error={}", tunnel.channel().id().asShortText(),
                    e.getMessage());
            return;
        }
        if (message instanceof DnsQueryMessage query) {
            dns.answer(query).thenAccept(answer -> {
                metrics.dnsQueries.labelValues(DnsLabels.type(query.qtype()),
                        DnsLabels.rcode(answer.rcode())).inc();
                tunnel.sendControl(ControlCodec.encode(answer));
            });
        } else {
            log.warn("{} unexpected control message: type={}",
                    tunnel.channel().id().asShortText(), message.getClass().getSimpleName());
        }
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream stream) {
        long startNanos = flows.opening();
        FlowMetadata flow = stream.metadata();
        if (flow.protocol() != Protocol.TCP) {
            reject(stream, startNanos, OpenResult.APP_UNREACHABLE,
                    flow.protocol() + " flows are not supported");
            return;
        }
        if (!scope.allows(flow.host(), flow.port())) {
            reject(stream, startNanos, OpenResult.DENIED_BY_POLICY, "destination "
                    + flow.destination() + " is outside the scope of publisher " + publisherId);
            return;
        }
        Channel tunnelChannel = tunnel.channel();
        resolver.resolve(flow.host(), tunnelChannel.eventLoop()).addListener(f -> {
            if (!f.isSuccess()) {
                reject(stream, startNanos, OpenResult.DNS_FAILURE, "cannot resolve "
                        + flow.host() + ": " + f.cause().getMessage());
                return;
            }
            connect(tunnelChannel, stream, (InetAddress) f.getNow(), startNanos);
        });
    }

    private void connect(Channel tunnelChannel, Stream stream, InetAddress address,
            long startNanos) {
        FlowMetadata flow = stream.metadata();
        InetSocketAddress target = new InetSocketAddress(address, flow.port());
        Bootstrap bootstrap = new Bootstrap()
                .group(tunnelChannel.eventLoop())
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new EarlyInbound());
        ChannelFuture connect = bootstrap.connect(target);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                OpenResult result = ConnectFailures.resultOf(f.cause());
                reject(stream, startNanos, result, "connect to "
                        + target.getAddress().getHostAddress() + ":" + target.getPort()
                        + " failed: " + f.cause().getMessage());
                return;
            }
            log.debug("flow open: flow={} user={} publisher={} destination={} address={}",
                    flow.flowId(), flow.user(), publisherId, flow.destination(),
                    LogAddresses.format(target));
            activeFlows.incrementAndGet();
            flows.connected(startNanos);
            SocketStreamRelay relay =
                    SocketStreamRelay.forAcceptedStream(connect.channel(), stream,
                            ErrorCode.APP_RESET, flows);
            relay.completion().addListener(done -> {
                activeFlows.decrementAndGet();
                RelaySummary summary = (RelaySummary) done.getNow();
                flows.finished(summary);
                log.debug("flow closed: flow={} user={} publisher={} destination={} bytesUp={} "
                                + "bytesDown={} outcome=\"{}\"", flow.flowId(), flow.user(),
                        publisherId, flow.destination(), summary.bytesUp(), summary.bytesDown(),
                        summary.outcome());
            });
        });
    }

    private void reject(Stream stream, long startNanos, OpenResult result, String reason) {
        flows.failed(startNanos, result);
        FlowMetadata flow = stream.metadata();
        log.info("flow failed: flow={} user={} publisher={} destination={} result={} reason=\"{}\"",
                flow.flowId(), flow.user(), publisherId, flow.destination(), result, reason);
        stream.reject(result, reason);
    }
}
