package io.ztna.proto.dns;

import io.netty.util.concurrent.EventExecutor;
import io.ztna.proto.control.DnsAnswerMessage;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pairs DNS queries a hop sent on with the answers that come back, by a query id this hop
 * chooses, so that ids from different senders never collide. A query without an answer in
 * time completes with SERVFAIL and a reason, so every caller gets an answer. Thread-safe.
 */
public final class DnsQueryRelay {

    private final String prefix;
    private final AtomicLong next = new AtomicLong();
    private final Map<String, CompletableFuture<DnsAnswerMessage>> pending =
            new ConcurrentHashMap<>();

    /** @param prefix starts every id this relay hands out, such as the hop's id */
    public DnsQueryRelay(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Registers a query and returns its id and the future of its answer, which completes with
     * SERVFAIL after {@code timeoutMillis} on {@code executor} when no answer arrived.
     */
    public Pending register(EventExecutor executor, long timeoutMillis, String target) {
        String id = prefix + "-" + next.incrementAndGet();
        CompletableFuture<DnsAnswerMessage> answer = new CompletableFuture<>();
        pending.put(id, answer);
        answer.whenComplete((message, error) -> pending.remove(id));
        executor.schedule(() -> answer.complete(new DnsAnswerMessage(id, DnsWire.SERVFAIL, null,
                target + ": no answer within " + timeoutMillis + " ms")), timeoutMillis,
                TimeUnit.MILLISECONDS);
        return new Pending(id, answer);
    }

    /** Completes the query the answer is for; returns false when none is pending. */
    public boolean complete(DnsAnswerMessage answer) {
        CompletableFuture<DnsAnswerMessage> future = pending.get(answer.id());
        return future != null && future.complete(answer);
    }

    /** Completes every pending query with SERVFAIL and the reason, as when a tunnel closes. */
    public void failAll(String reason) {
        pending.forEach((id, future) -> future.complete(
                new DnsAnswerMessage(id, DnsWire.SERVFAIL, null, reason)));
    }

    public int pendingCount() {
        return pending.size();
    }

    /** A registered query: the id to send and the future of its answer. */
    public record Pending(String id, CompletableFuture<DnsAnswerMessage> answer) {
    }
}
