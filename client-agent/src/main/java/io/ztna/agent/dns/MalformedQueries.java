package io.ztna.agent.dns;

import io.ztna.proto.log.LogLimiter;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts malformed queries and logs them, at most one line per {@link LogLimiter} interval. */
final class MalformedQueries {

    private static final Logger log = LoggerFactory.getLogger(MalformedQueries.class);

    private final AtomicLong count = new AtomicLong();
    private final LogLimiter limiter;

    MalformedQueries(LogLimiter limiter) {
        this.limiter = limiter;
    }

    /**
     * Counts one malformed query.
     *
     * @param action what the server did with it, such as "dropped"
     */
    void record(String transport, SocketAddress client, String action, String reason) {
        long total = count.incrementAndGet();
        long suppressed = limiter.acquire("malformed");
        if (suppressed >= 0) {
            log.warn("malformed DNS query {}: transport={} client={} reason=\"{}\" total={} "
                    + "suppressed={}", action, transport, client, reason, total, suppressed);
        }
    }

    long count() {
        return count.get();
    }
}
