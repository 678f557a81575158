package io.ztna.agent.dns;

import io.netty.util.concurrent.EventExecutor;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.DnsAnswerMessage;
import io.ztna.proto.control.DnsQueryMessage;
import io.ztna.proto.dns.DnsQueryRelay;
import io.ztna.proto.dns.DnsWire;
import io.ztna.proto.mux.Tunnel;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Publisher DNS over the agent's tunnel: each query goes to the client gateway as a control
 * message and its answer comes back the same way, matched by id. Thread-safe.
 */
public final class TunnelPublisherDns implements PublisherDns {

    /** Time the gateways and the publisher have to answer, above the gateway's own limit. */
    static final long TIMEOUT_MILLIS = 5_000;

    private final Supplier<Tunnel> tunnel;
    private final EventExecutor executor;
    private final DnsQueryRelay relay = new DnsQueryRelay("agent");

    /**
     * @param tunnel returns the tunnel to the client gateway, or null while it is down
     * @param executor runs the timeouts
     */
    public TunnelPublisherDns(Supplier<Tunnel> tunnel, EventExecutor executor) {
        this.tunnel = tunnel;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<DnsAnswerMessage> resolve(String name, int qtype) {
        Tunnel current = tunnel.get();
        if (current == null) {
            return CompletableFuture.completedFuture(new DnsAnswerMessage(null,
                    DnsWire.SERVFAIL, null, "no tunnel to the client gateway"));
        }
        DnsQueryRelay.Pending pending = relay.register(executor, TIMEOUT_MILLIS,
                "client gateway");
        current.sendControl(ControlCodec.encode(
                new DnsQueryMessage(pending.id(), name, qtype, null)));
        return pending.answer();
    }

    /** Completes the query an answer from the gateway is for; late answers are dropped. */
    public void onAnswer(DnsAnswerMessage answer) {
        relay.complete(answer);
    }
}
