package io.ztna.publisher;

import io.ztna.proto.control.DnsAnswerMessage;
import io.ztna.proto.control.DnsQueryMessage;
import io.ztna.proto.dns.DnsWire;
import io.ztna.proto.dns.UpstreamDnsClient;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers publisher DNS queries from the tunnel with the publisher's own view of DNS. A and
 * AAAA records for names in the static host map come from the map. Everything else goes to
 * the publisher's resolvers, whose response travels back unchanged. Names outside the publisher's
 * scope are refused, so a client gateway cannot use a publisher as an open resolver.
 */
final class PublisherDnsResolver {

    private static final Logger log = LoggerFactory.getLogger(PublisherDnsResolver.class);
    private static final int STATIC_TTL_SECONDS = 60;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String publisherId;
    private final PublisherScope scope;
    private final Map<String, InetAddress> staticHosts;
    private final UpstreamDnsClient upstream;

    PublisherDnsResolver(String publisherId, PublisherScope scope,
            Map<String, InetAddress> staticHosts, UpstreamDnsClient upstream) {
        this.publisherId = publisherId;
        this.scope = scope;
        this.staticHosts = Map.copyOf(staticHosts);
        this.upstream = upstream;
    }

    /** Resolves a query; the future always completes normally, with SERVFAIL on failure. */
    CompletableFuture<DnsAnswerMessage> answer(DnsQueryMessage query) {
        String name = query.name() == null ? null : DnsWire.normaliseName(query.name());
        if (name == null || query.qtype() < 1 || query.qtype() > 65_535) {
            return refuse(query, "invalid query: name '" + query.name() + "' type "
                    + query.qtype() + " (expected a DNS name and a type from 1 to 65535)");
        }
        if (!scope.allowsHost(name)) {
            return refuse(query, "name " + name + " is outside the scope of publisher "
                    + publisherId);
        }
        int id = RANDOM.nextInt(65_536);
        InetAddress mapped = staticHosts.get(name);
        if (mapped != null && (query.qtype() == DnsWire.TYPE_A
                || query.qtype() == DnsWire.TYPE_AAAA)) {
            byte[] response = DnsWire.addressResponse(id, name, query.qtype(), List.of(mapped),
                    STATIC_TTL_SECONDS);
            return CompletableFuture.completedFuture(answer(query, response));
        }
        return upstream.query(DnsWire.query(id, name, query.qtype()))
                .thenApply(response -> answer(query, response))
                .exceptionally(error -> {
                    Throwable cause = error.getCause() != null ? error.getCause() : error;
                    log.info("publisher DNS query failed: query={} name={} type={} error=\"{}\"",
                            query.id(), name, query.qtype(), cause.getMessage());
                    return new DnsAnswerMessage(query.id(), DnsWire.SERVFAIL, null,
                            "publisher " + publisherId + " could not resolve " + name + ": "
                                    + cause.getMessage());
                });
    }

    private static DnsAnswerMessage answer(DnsQueryMessage query, byte[] response) {
        return new DnsAnswerMessage(query.id(), DnsWire.rcode(response),
                Base64.getEncoder().encodeToString(response), null);
    }

    private CompletableFuture<DnsAnswerMessage> refuse(DnsQueryMessage query, String reason) {
        log.info("publisher DNS query refused: query={} reason=\"{}\"", query.id(), reason);
        return CompletableFuture.completedFuture(
                new DnsAnswerMessage(query.id(), DnsWire.REFUSED, null, reason));
    }
}
