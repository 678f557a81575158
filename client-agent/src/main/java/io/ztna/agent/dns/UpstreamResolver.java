package io.ztna.agent.dns;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards queries unchanged to the upstream resolvers, tried in order. Each attempt sends the
 * client's bytes with a fresh random id over UDP, and again over TCP to the same resolver when
 * the UDP answer has the TC bit set. A timeout or socket error moves on to the next resolver.
 * The answer goes back with the client's id restored. Thread-safe.
 */
final class UpstreamResolver {

    /** Maximum forwarded queries in flight. Past it queries fail at once and open no socket. */
    static final int MAX_IN_FLIGHT = 512;

    private final EventLoopGroup group;
    private final List<InetSocketAddress> upstreams;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger inFlight = new AtomicInteger();

    UpstreamResolver(EventLoopGroup group, List<InetSocketAddress> upstreams, Duration timeout) {
        this.group = group;
        this.upstreams = List.copyOf(upstreams);
        this.timeout = timeout;
    }

    List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /**
     * Forwards a query. Completes with the first answer, which has the client's id, or
     * exceptionally with an {@link IOException} that lists each resolver's failure.
     */
    CompletableFuture<byte[]> forward(DnsQuery query) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            result.completeExceptionally(new IOException(MAX_IN_FLIGHT
                    + " forwarded queries already in flight"));
            return result;
        }
        result.whenComplete((answer, error) -> inFlight.decrementAndGet());
        attempt(query, 0, new ArrayList<>(), result);
        return result;
    }

    private void attempt(DnsQuery query, int index, List<String> failures,
            CompletableFuture<byte[]> result) {
        if (index >= upstreams.size()) {
            result.completeExceptionally(new IOException("every upstream resolver failed: "
                    + String.join("; ", failures)));
            return;
        }
        InetSocketAddress upstream = upstreams.get(index);
        byte[] wire = DnsPackets.withId(query.bytes(), freshId(query.id()));
        UdpExchange.send(group, upstream, wire, timeout)
                .thenCompose(answer -> DnsPackets.isTruncated(answer)
                        ? TcpExchange.send(group, upstream, wire, timeout)
                        : CompletableFuture.completedFuture(answer))
                .whenComplete((answer, error) -> {
                    if (error == null) {
                        result.complete(DnsPackets.withId(answer, query.id()));
                        return;
                    }
                    failures.add(upstream + ": " + unwrap(error));
                    attempt(query, index + 1, failures, result);
                });
    }

    /** Returns the cause that a {@link CompletionException} wraps, else the error itself. */
    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
    }

    /** Returns a random id other than the client's, so the two are distinct. */
    private int freshId(int clientId) {
        int id = random.nextInt(0xFFFF);
        return id >= clientId ? id + 1 : id;
    }
}
