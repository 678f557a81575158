package io.ztna.agent.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.util.NetUtil;
import io.ztna.proto.control.DnsAnswerMessage;
import io.ztna.proto.log.LogLimiter;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.policy.SteeringPolicy.SteeredApp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers queries for apps with publisher DNS through {@link PublisherDns}. NXDOMAIN from the
 * publisher falls back to the upstream resolvers, because the name may exist outside the app.
 * SERVFAIL, an error or an unreadable answer becomes SERVFAIL. Answers with rcode NOERROR are
 * cached. Thread-safe.
 */
final class PublisherDnsRelay {

    static final Duration MAX_CACHE_TTL = Duration.ofMinutes(5);
    static final int MAX_CACHE_ENTRIES = 4096;
    /** How often the hint about one name and uncaptured address may be logged again. */
    static final Duration HINT_INTERVAL = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(PublisherDnsRelay.class);

    private final PublisherDns publisherDns;
    private final UpstreamResolver upstream;
    private final AnswerCache cache;
    private final LogLimiter limiter;
    private final LogLimiter hintLimiter;

    PublisherDnsRelay(PublisherDns publisherDns, UpstreamResolver upstream, Clock clock,
            LogLimiter limiter) {
        this.publisherDns = publisherDns;
        this.upstream = upstream;
        this.cache = new AnswerCache(clock, MAX_CACHE_TTL, MAX_CACHE_ENTRIES);
        this.limiter = limiter;
        this.hintLimiter = new LogLimiter(1, HINT_INTERVAL, clock);
    }

    int cacheSize() {
        return cache.size();
    }

    /**
     * Resolves a query for an app name.
     *
     * @param name the normalised query name
     * @return the answer with the client's id; never completes exceptionally
     */
    CompletableFuture<byte[]> resolve(DnsQuery query, String name, SteeredApp app,
            SteeringPolicy policy) {
        byte[] cached = cache.get(name, query.type());
        if (cached != null) {
            return CompletableFuture.completedFuture(DnsPackets.withId(cached, query.id()));
        }
        String requestedName = query.name().endsWith(".")
                ? query.name().substring(0, query.name().length() - 1) : query.name();
        return publisherDns.resolve(requestedName, query.type())
                .thenCompose(answer -> relay(query, name, app, policy, answer))
                .exceptionally(error -> {
                    logFailure(query, app, UpstreamResolver.unwrap(error).toString());
                    return LocalAnswers.empty(query, DnsResponseCode.SERVFAIL.intValue());
                });
    }

    private CompletableFuture<byte[]> relay(DnsQuery query, String name, SteeredApp app,
            SteeringPolicy policy, DnsAnswerMessage answer) {
        if (answer.rcode() == DnsResponseCode.NXDOMAIN.intValue()) {
            log.debug("publisher DNS returned NXDOMAIN, asking upstream: query={} app={}",
                    query.describe(), app.name());
            return upstream.forward(query).exceptionally(error -> {
                logFailure(query, app, "NXDOMAIN, then upstream: "
                        + UpstreamResolver.unwrap(error).getMessage());
                return LocalAnswers.empty(query, DnsResponseCode.SERVFAIL.intValue());
            });
        }
        byte[] response = decode(answer);
        if (answer.rcode() == DnsResponseCode.SERVFAIL.intValue() || response == null) {
            logFailure(query, app, "rcode=" + answer.rcode() + " error=" + answer.error());
            return CompletableFuture.completedFuture(
                    LocalAnswers.empty(query, DnsResponseCode.SERVFAIL.intValue()));
        }
        response = DnsPackets.withId(response, query.id());
        try {
            if (DnsPackets.rcode(response) == DnsResponseCode.NOERROR.intValue()) {
                cache.put(name, query.type(), response);
            }
            hintUncapturedAddresses(query, name, app, policy, response);
        } catch (IllegalArgumentException e) {
            logFailure(query, app, "unreadable answer: " + e.getMessage());
            return CompletableFuture.completedFuture(
                    LocalAnswers.empty(query, DnsResponseCode.SERVFAIL.intValue()));
        }
        return CompletableFuture.completedFuture(response);
    }

    /** Returns the answer's DNS message, or null when it has none or it is not a response. */
    private static byte[] decode(DnsAnswerMessage answer) {
        if (answer.response() == null) {
            return null;
        }
        byte[] response;
        try {
            response = Base64.getDecoder().decode(answer.response());
        } catch (IllegalArgumentException e) {
            return null;
        }
        return DnsPackets.isResponse(response) ? response : null;
    }

    /**
     * Logs once per name, address and {@link #HINT_INTERVAL} when an A or AAAA answer holds an
     * address that no steered app lists, because the agent will not capture flows to it.
     */
    private void hintUncapturedAddresses(DnsQuery query, String name, SteeredApp app,
            SteeringPolicy policy, byte[] response) {
        List<String> addresses = new ArrayList<>();
        DnsPackets.visitRecords(response, (section, type, ttlOffset, dataOffset, length) -> {
            boolean isAddress = type == DnsRecordType.A.intValue() && length == 4
                    || type == DnsRecordType.AAAA.intValue() && length == 16;
            if (section == DnsPackets.Section.ANSWER && isAddress) {
                addresses.add(NetUtil.bytesToIpAddress(
                        Arrays.copyOfRange(response, dataOffset, dataOffset + length)));
            }
        });
        for (String address : addresses) {
            if (AppNames.isCapturedAddress(policy, address)) {
                continue;
            }
            long suppressed = hintLimiter.acquire(name + " " + address);
            if (suppressed >= 0) {
                log.info("publisher DNS answer has an address no steered app lists, so flows "
                        + "to it are not captured: query={} app={} address={} hint=\"add the "
                        + "address or its CIDR block to the app's hosts\" suppressed={}",
                        query.describe(), app.name(), address, suppressed);
            }
        }
    }

    private void logFailure(DnsQuery query, SteeredApp app, String reason) {
        long suppressed = limiter.acquire("publisher failure " + app.name());
        if (suppressed >= 0) {
            log.warn("publisher DNS failed, returning SERVFAIL: query={} app={} reason=\"{}\" "
                    + "suppressed={}", query.describe(), app.name(), reason, suppressed);
        }
    }
}
