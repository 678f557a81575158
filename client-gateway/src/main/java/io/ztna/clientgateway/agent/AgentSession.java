package io.ztna.clientgateway.agent;

import io.netty.handler.ssl.SslHandler;
import io.ztna.clientgateway.policy.AccessDecision;
import io.ztna.clientgateway.policy.AccessPolicy;
import io.ztna.clientgateway.policy.PolicyStore;
import io.ztna.clientgateway.routing.PublisherDirectory;
import io.ztna.clientgateway.routing.PublisherLink;
import io.ztna.clientgateway.routing.PublisherSelector;
import io.ztna.clientgateway.routing.Selection;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ControlMessage;
import io.ztna.proto.control.DnsAnswerMessage;
import io.ztna.proto.control.DnsQueryMessage;
import io.ztna.proto.control.NoticeMessage;
import io.ztna.proto.control.PostureMessage;
import io.ztna.proto.control.ReauthResponseMessage;
import io.ztna.proto.control.SteeringPolicyMessage;
import io.ztna.proto.control.SteeringPolicyPullMessage;
import io.ztna.proto.dns.DnsQueryRelay;
import io.ztna.proto.dns.DnsWire;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowIds;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.metrics.DnsLabels;
import io.ztna.proto.log.TunnelEvents;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.policy.Principal;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.posture.DevicePosture;
import io.ztna.proto.relay.RelaySummary;
import io.ztna.proto.relay.StreamBridge;
import io.ztna.proto.tls.SpiffeId;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's tunnel at the client gateway. The user and device come from the agent's
 * certificate, never from the flow metadata the agent sends. The policy in force decides each
 * flow with the device's last reported posture, whatever the agent's steering policy contains.
 * An allowed flow is routed to a publisher by {@link FlowRouter} and joined to the stream opened
 * on that publisher's gateway once the publisher has connected to the app.
 *
 * <p>The session also sends the steering policy when the tunnel comes up, on request and
 * whenever a policy change alters it; decides its relaying flows again after a policy or
 * posture change and resets those no longer allowed; and runs periodic re-authentication.
 * Tunnel events arrive on the tunnel's event loop; policy changes may arrive on any thread and
 * are moved to it.
 */
public final class AgentSession implements TunnelListener {

    private static final Logger log = LoggerFactory.getLogger(AgentSession.class);

    /** Time a publisher DNS query has to come back, below the agent's own limit. */
    static final long DNS_TIMEOUT_MILLIS = 4_000;

    private final String gatewayId;
    private final SpiffeId agent;
    private final X509Certificate certificate;
    private final PolicyStore policies;
    private final PublisherDirectory directory;
    private final FlowRouter router;
    private final PeerCertificateCheck certificateCheck;
    private final DnsQueryRelay dnsRelay;
    private final ClientGatewayMetrics metrics;
    private final FlowRecord flowRecord;
    private final Map<Stream, ActiveFlow> flows = new ConcurrentHashMap<>();
    private volatile DevicePosture posture = DevicePosture.NONE;
    private volatile Tunnel tunnel;
    private SteeringPolicy sentPolicy;
    private Reauthenticator reauthenticator;

    public AgentSession(String gatewayId, SpiffeId agent, X509Certificate certificate,
            PolicyStore policies, PublisherDirectory directory, PublisherSelector selector,
            PeerCertificateCheck certificateCheck, DnsQueryRelay dnsRelay,
            ClientGatewayMetrics metrics) {
        this.gatewayId = gatewayId;
        this.metrics = metrics;
        this.dnsRelay = dnsRelay;
        this.agent = agent;
        this.certificate = certificate;
        this.policies = policies;
        this.directory = directory;
        this.router = new FlowRouter(directory, selector, metrics);
        this.certificateCheck = certificateCheck;
        this.flowRecord = new FlowRecord(gatewayId);
    }

    /** Returns the leaf certificate the peer presented in the channel's TLS handshake. */
    public static X509Certificate peerCertificate(io.netty.channel.Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        } catch (SSLPeerUnverifiedException e) {
            throw new IllegalStateException("the agent presented no certificate", e);
        }
    }

    public SpiffeId agent() {
        return agent;
    }

    /** Returns the posture the device reported last. */
    public DevicePosture posture() {
        return posture;
    }

    /** Returns the number of flows relaying now. */
    public int activeFlows() {
        return flows.size();
    }

    @Override
    public void onReady(Tunnel tunnel) {
        this.tunnel = tunnel;
        TunnelEvents.up(gatewayId, agent, tunnel.channel().remoteAddress());
        AccessPolicy policy = policies.current();
        if (!policy.knows(agent.name())) {
            end("user " + agent.name() + " is not in the directory");
            return;
        }
        sendSteeringPolicy(policy, "tunnel established");
        reauthenticator = new Reauthenticator(this, tunnel, certificate, certificateCheck);
        reauthenticator.schedule(policy.reauthentication(principal(policy)).interval());
    }

    @Override
    public void onClosed(Tunnel tunnel, String reason) {
        if (reauthenticator != null) {
            reauthenticator.cancel();
        }
        if (this.tunnel != null) {
            TunnelEvents.down(gatewayId, agent, tunnel.channel().remoteAddress(), reason);
        }
    }

    @Override
    public void onControl(Tunnel tunnel, String json) {
        ControlMessage message;
        try {
            message = ControlCodec.decode(json);
        } catch (IllegalArgumentException e) {
            log.warn("{} control message rejected: user={} device={} error={}", id(),
                    agent.name(), agent.device(), e.getMessage());
            return;
        }
        if (message instanceof PostureMessage report) {
            updatePosture(report.posture(), "reported");
        } else if (message instanceof SteeringPolicyPullMessage pull) {
            log.debug("{} steering policy pulled: user={} agentVersion={}", id(), agent.name(),
                    pull.version());
            sentPolicy = null;
            sendSteeringPolicy(policies.current(), "pulled");
        } else if (message instanceof DnsQueryMessage query) {
            resolveThroughPublisher(tunnel, query);
        } else if (message instanceof ReauthResponseMessage response) {
            if (reauthenticator != null) {
                reauthenticator.onResponse(response);
            }
        } else {
            log.warn("{} control message rejected: user={} type={} error=not accepted from "
                    + "agents", id(), agent.name(), message.getClass().getSimpleName());
        }
    }

    /**
     * Passes a publisher DNS query on to a publisher of an app that covers the name, has
     * publisher DNS on and that the user may reach, and its answer back. A query that no such
     * app covers is refused (REFUSED), and one that cannot be sent on fails (SERVFAIL), each
     * with the reason.
     */
    private void resolveThroughPublisher(Tunnel tunnel, DnsQueryMessage query) {
        String name = query.name() == null ? null : DnsWire.normaliseName(query.name());
        if (name == null || query.qtype() < 1 || query.qtype() > 65_535) {
            metrics.dnsQuery(query.qtype(), "invalid");
            answerDns(tunnel, query, DnsWire.REFUSED, "invalid query: name '" + query.name()
                    + "' type " + query.qtype() + " (expected a DNS name and a type from 1 to "
                    + "65535)");
            return;
        }
        AccessPolicy policy = policies.current();
        AccessPolicy.DnsDecision decision = policy.decideDns(principal(policy), name);
        if (decision.app() == null) {
            log.info("{} DNS query denied: user={} device={} name={} type={} reason=\"{}\"",
                    id(), agent.name(), agent.device(), name, query.qtype(), decision.reason());
            metrics.dnsQuery(query.qtype(), "denied");
            answerDns(tunnel, query, DnsWire.REFUSED, decision.reason());
            return;
        }
        Selection selection = router.selectForDns(agent.name(), decision.app().name(),
                decision.app().publishers());
        if (selection == null) {
            metrics.dnsQuery(query.qtype(), "no_publisher");
            answerDns(tunnel, query, DnsWire.SERVFAIL, "no publisher of app "
                    + decision.app().name() + " is connected");
            return;
        }
        PublisherLink route = selection.link();
        DnsQueryRelay.Pending pending = dnsRelay.register(tunnel.channel().eventLoop(),
                DNS_TIMEOUT_MILLIS, "publisher " + route.publisher());
        route.tunnel().sendControl(ControlCodec.encode(new DnsQueryMessage(pending.id(), name,
                query.qtype(), route.publisher())));
        log.debug("{} DNS query sent: user={} name={} type={} app={} publisher={} "
                        + "publisherGateway={} reason={} candidates={}", id(), agent.name(), name,
                query.qtype(), decision.app().name(), route.publisher(), route.gateway(),
                selection.reason(), selection.candidates());
        pending.answer().thenAccept(answer -> {
            metrics.dnsQuery(query.qtype(), DnsLabels.rcode(answer.rcode()));
            tunnel.sendControl(ControlCodec.encode(new DnsAnswerMessage(query.id(),
                    answer.rcode(), answer.response(), answer.error())));
        });
    }

    private static void answerDns(Tunnel tunnel, DnsQueryMessage query, int rcode,
            String error) {
        tunnel.sendControl(ControlCodec.encode(
                new DnsAnswerMessage(query.id(), rcode, null, error)));
    }

    /**
     * Applies a new posture: later flows are decided with it, and relaying flows that it no
     * longer allows are reset.
     */
    void updatePosture(DevicePosture next, String trigger) {
        DevicePosture previous = posture;
        posture = next;
        if (!next.equals(previous)) {
            log.info("{} device posture {}: user={} device={} os=\"{} {}\" agentVersion={} "
                            + "diskEncryption={} firewall={} screenLock={} checks={}", id(), trigger,
                    agent.name(), agent.device(), next.osName(), next.osVersion(),
                    next.agentVersion(), next.diskEncryption().text(), next.firewall().text(),
                    next.screenLock().text(), next.checks());
            recheckFlows(policies.current(), "device posture changed");
        }
    }

    /**
     * Applies a new policy version to this session: closes the tunnel when the directory no
     * longer lists the user, otherwise pushes the steering policy if it changed and resets the
     * relaying flows that the new policy denies. Safe to call from any thread.
     */
    public void policyChanged(AccessPolicy next) {
        Tunnel current = tunnel;
        if (current == null) {
            return;
        }
        current.channel().eventLoop().execute(() -> {
            if (!next.knows(agent.name())) {
                end("user " + agent.name() + " was removed from the directory");
                return;
            }
            sendSteeringPolicy(next, "policy changed");
            recheckFlows(next, "policy changed");
            if (reauthenticator != null) {
                reauthenticator.schedule(next.reauthentication(principal(next)).interval());
            }
        });
    }

    private void sendSteeringPolicy(AccessPolicy policy, String cause) {
        SteeringPolicy srp = policy.steeringPolicy(principal(policy));
        if (srp.sameEntries(sentPolicy) && !"pulled".equals(cause)) {
            return;
        }
        sentPolicy = srp;
        tunnel.sendControl(ControlCodec.encode(new SteeringPolicyMessage(srp)));
        metrics.steeringPolicySent();
        log.info("{} steering policy sent: user={} device={} version={} apps={} blocked={} "
                        + "cause=\"{}\"", id(), agent.name(), agent.device(), srp.version(),
                srp.apps().size(), srp.blocked().size(), cause);
    }

    private void recheckFlows(AccessPolicy policy, String cause) {
        Principal principal = principal(policy);
        for (Map.Entry<Stream, ActiveFlow> entry : flows.entrySet()) {
            FlowMetadata flow = entry.getValue().flow();
            AccessDecision decision = policy.decide(principal, flow);
            if (decision.allowed()) {
                continue;
            }
            String reason = "policy revoked: " + decision.reason();
            log.info("flow revoked: flow={} user={} device={} destination={} app={} cause=\"{}\" "
                            + "reason=\"{}\"", flow.flowId(), flow.user(), flow.device(),
                    flow.destination(), flow.app(), cause, decision.reason());
            entry.getValue().bridge().reset(ErrorCode.POLICY_REVOKED, reason);
        }
    }

    /** Sends the user a notice with the reason, then closes the tunnel. */
    void end(String reason) {
        Tunnel current = tunnel;
        log.warn("{} agent tunnel closed by policy: user={} device={} reason=\"{}\"", id(),
                agent.name(), agent.device(), reason);
        current.sendControl(ControlCodec.encode(new NoticeMessage(null, null, null, reason)));
        current.close(ErrorCode.POLICY_REVOKED, reason);
    }

    Principal principal(AccessPolicy policy) {
        return policy.principal(agent.name(), posture);
    }

    AccessPolicy policy() {
        return policies.current();
    }

    String id() {
        Tunnel current = tunnel;
        return current == null ? "-" : current.channel().id().asShortText();
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream downstream) {
        Instant start = Instant.now();
        long startNanos = metrics.flows().opening();
        FlowMetadata requested = downstream.metadata();
        AccessPolicy policy = policies.current();
        AccessDecision decision = policy.decide(principal(policy), requested);
        metrics.decided(decision.allowed());
        FlowMetadata flow = requested.withIdentity(
                FlowIds.adoptOrCreate(requested.flowId()), agent.name(), agent.device(),
                decision.app());

        if (!decision.allowed()) {
            SteeringPolicy steered = sentPolicy;
            boolean outside = steered == null || steered.covers(requested.host(),
                    requested.protocol(), requested.port()) != SteeringPolicy.Steering.STEER;
            log.info("flow denied: flow={} user={} device={} destination={} app={} srp={} "
                            + "reason=\"{}\"", flow.flowId(), flow.user(), flow.device(),
                    flow.destination(), flow.app(), outside ? "outside" : "inside",
                    decision.reason());
            downstream.reject(OpenResult.DENIED_BY_POLICY, decision.reason());
            if (decision.notifyUser()) {
                tunnel.sendControl(ControlCodec.encode(new NoticeMessage(decision.rule(),
                        decision.app(), flow.destination(), decision.reason())));
            }
            metrics.flows().failed(startNanos, OpenResult.DENIED_BY_POLICY);
            flowRecord.write(flow, null, OpenResult.DENIED_BY_POLICY, decision.reason(), start,
                    startNanos, null);
            return;
        }

        // The agent's early bytes follow each attempt's OPEN, and are sent again on a retry.
        StreamBridge bridge = StreamBridge.early(downstream, metrics.flows());
        router.open(flow, decision.publishers(), new FlowRouter.Outcome() {
            @Override
            public void openSent(Stream upstream) {
                bridge.attach(upstream);
            }

            @Override
            public void opened(FlowMetadata routed, PublisherLink link, Stream upstream) {
                relay(tunnel, downstream, bridge, upstream, routed, link, policy, start,
                        startNanos);
            }

            @Override
            public void failed(FlowMetadata routed, PublisherLink link, OpenResult result,
                    String reason) {
                if (link == null) {
                    log.info("flow failed: flow={} user={} destination={} app={} reason=\"{}\"",
                            routed.flowId(), routed.user(), routed.destination(), routed.app(),
                            reason);
                }
                bridge.abandon();
                downstream.reject(result, reason);
                metrics.flows().failed(startNanos, result);
                flowRecord.write(routed, link, result, reason, start, startNanos, null);
            }
        });
    }

    /** Joins the agent's stream to the publisher gateway's and records the flow when it ends. */
    private void relay(Tunnel tunnel, Stream downstream, StreamBridge bridge, Stream upstream,
            FlowMetadata routed, PublisherLink link, AccessPolicy policy, Instant start,
            long startNanos) {
        metrics.flows().connected(startNanos);
        bridge.connect(upstream);
        flows.put(downstream, new ActiveFlow(routed, bridge));
        bridge.completion().addListener(done -> {
            flows.remove(downstream);
            directory.flowEnded(link.publisher());
            metrics.flows().finished((RelaySummary) done.getNow());
            flowRecord.write(routed, link, OpenResult.CONNECTED, "", start, startNanos,
                    (RelaySummary) done.getNow());
        });
        // A policy change between the decision and this point was not applied to the flow.
        AccessPolicy latest = policies.current();
        if (latest != policy) {
            tunnel.channel().eventLoop().execute(() -> recheckFlows(latest, "policy changed"));
        }
    }
}
