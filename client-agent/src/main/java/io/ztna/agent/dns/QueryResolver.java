package io.ztna.agent.dns;

import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.ztna.proto.dns.DnsWire;
import io.ztna.proto.metrics.DataPlaneMetrics;
import io.ztna.proto.metrics.DnsLabels;
import io.ztna.proto.log.LogLimiter;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.policy.SteeringPolicy.SteeredApp;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how to answer one query:
 * <ul>
 * <li>A and AAAA for a steered app's name get a stub address; with no IPv6 stub range, AAAA
 *     gets NOERROR with no data, and a full pool gets SERVFAIL.
 * <li>Other types for a steered app's name get NOERROR with no data.
 * <li>Every type for the name of an app with publisher DNS goes to {@link PublisherDnsRelay}.
 * <li>PTR for a mapped stub address returns its name.
 * <li>Classes other than IN (such as CH) for a steered app's name get REFUSED, so the
 *     private name never reaches the upstream resolvers.
 * <li>Everything else, including blocked apps' names, is forwarded upstream; when every
 *     upstream fails the answer is SERVFAIL.
 * <li>Opcodes other than QUERY get NOTIMP.
 * </ul>
 * Thread-safe.
 */
final class QueryResolver {

    private static final Logger log = LoggerFactory.getLogger(QueryResolver.class);

    private final Supplier<SteeringPolicy> policy;
    private final StubAddresses stubs;
    private final UpstreamResolver upstream;
    private final PublisherDnsRelay publisher;
    private final long stubTtlSeconds;
    private final LogLimiter limiter;
    private final AppNames appNames = new AppNames();
    private final DataPlaneMetrics metrics;

    /** @param metrics counts each answer by query type and response code */
    QueryResolver(Supplier<SteeringPolicy> policy, StubAddresses stubs,
            UpstreamResolver upstream, PublisherDnsRelay publisher, long stubTtlSeconds,
            LogLimiter limiter, DataPlaneMetrics metrics) {
        this.metrics = metrics;
        this.policy = policy;
        this.stubs = stubs;
        this.upstream = upstream;
        this.publisher = publisher;
        this.stubTtlSeconds = stubTtlSeconds;
        this.limiter = limiter;
    }

    /** Returns the answer with the client's id; never completes exceptionally. */
    CompletableFuture<byte[]> resolve(DnsQuery query) {
        return answer(query).thenApply(response -> {
            metrics.dnsQueries.labelValues(DnsLabels.type(query.type()),
                    DnsLabels.rcode(DnsWire.rcode(response))).inc();
            return response;
        });
    }

    private CompletableFuture<byte[]> answer(DnsQuery query) {
        if (query.opcode() != DnsOpCode.QUERY.byteValue()) {
            return done(LocalAnswers.empty(query, DnsResponseCode.NOTIMP.intValue()));
        }
        String name = DnsNames.normalise(query.name());
        SteeringPolicy current = policy.get();
        SteeredApp app = name == null ? null : appNames.steeredApp(current, name);
        if (query.dnsClass() != DnsQuery.CLASS_IN) {
            // Forwarding would leak a private app name to the upstream resolvers.
            return app == null ? forward(query)
                    : done(LocalAnswers.empty(query, DnsResponseCode.REFUSED.intValue()));
        }

        if (query.type() == DnsRecordType.PTR.intValue()) {
            InetAddress address = DnsNames.reverseAddress(query.name());
            String host = address == null ? null : stubs.hostFor(address);
            if (host != null) {
                return done(LocalAnswers.pointer(query, host, stubTtlSeconds));
            }
        }

        if (app == null) {
            return forward(query);
        }
        if (app.publisherDns()) {
            return publisher.resolve(query, name, app, current);
        }

        boolean isA = query.type() == DnsRecordType.A.intValue();
        boolean isAaaa = query.type() == DnsRecordType.AAAA.intValue();
        if (!isA && !(isAaaa && stubs.hasIpv6())) {
            return done(LocalAnswers.empty(query, DnsResponseCode.NOERROR.intValue()));
        }

        InetAddress address = stubs.addressFor(name, isAaaa);
        if (address == null) {
            long suppressed = limiter.acquire(isAaaa ? "pool full ipv6" : "pool full ipv4");
            if (suppressed >= 0) {
                log.warn("stub address pool full, returning SERVFAIL: query={} app={} range={} "
                        + "mappings={} suppressed={}", query.describe(), app.name(),
                        stubs.range(isAaaa), stubs.size(), suppressed);
            }
            return done(LocalAnswers.empty(query, DnsResponseCode.SERVFAIL.intValue()));
        }
        return done(LocalAnswers.address(query, address, stubTtlSeconds));
    }

    private CompletableFuture<byte[]> forward(DnsQuery query) {
        return upstream.forward(query).exceptionally(error -> {
            long suppressed = limiter.acquire("upstream failure");
            if (suppressed >= 0) {
                log.warn("upstream resolvers failed, returning SERVFAIL: query={} error=\"{}\" "
                        + "suppressed={}", query.describe(),
                        UpstreamResolver.unwrap(error).getMessage(), suppressed);
            }
            return LocalAnswers.empty(query, DnsResponseCode.SERVFAIL.intValue());
        });
    }

    private static CompletableFuture<byte[]> done(byte[] answer) {
        return CompletableFuture.completedFuture(answer);
    }
}
