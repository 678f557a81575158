package io.ztna.agent.dns;

import io.ztna.proto.control.DnsAnswerMessage;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves names of apps with publisher DNS on through the tunnel: the client gateway checks
 * entitlement and a publisher of the app resolves the name with its own resolvers.
 */
@FunctionalInterface
public interface PublisherDns {

    /**
     * Sends a query through the tunnel. The future completes with the answer, which has rcode 2
     * (SERVFAIL) and an error when the tunnel is down, the gateway denies the query or no
     * answer arrives in time; it never completes exceptionally.
     *
     * @param qtype the DNS record type code
     */
    CompletableFuture<DnsAnswerMessage> resolve(String name, int qtype);
}
