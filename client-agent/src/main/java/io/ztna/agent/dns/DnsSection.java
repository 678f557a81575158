package io.ztna.agent.dns;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.netty.util.NetUtil;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.HostAndPort;
import io.ztna.proto.config.PortZeroAllowed;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code dns} section of the agent's config. Missing fields take the defaults: upstream
 * resolvers from {@code /etc/resolv.conf}, stub range 100.64.0.0/10, no IPv6 stub range, stub
 * answers with TTL 5 s, mappings reclaimable after 10 min unused, state file
 * {@code dns-mappings.json}, upstream timeout 2 s.
 *
 * @param listen address of the UDP and TCP listeners (port 0 allowed)
 * @param upstreams resolvers for names no steered app covers, tried in order; empty means
 *     the nameservers of {@code /etc/resolv.conf}, read when the server starts
 * @param stubRange IPv4 block that stub addresses come from
 * @param stubRange6 IPv6 block for AAAA answers, or null to answer AAAA for app names with no
 *     data
 * @param ttl TTL of stub answers, in whole seconds
 * @param idleTimeout time after its last use when a mapping may be reclaimed
 * @param stateFile file that keeps the mappings across restarts, relative to the config
 *     file's folder until {@link #resolve} makes it absolute
 * @param upstreamTimeout time to wait for one upstream's answer before trying the next
 */
public record DnsSection(HostAndPort listen, List<HostAndPort> upstreams, StubRange stubRange,
        StubRange stubRange6, Duration ttl, Duration idleTimeout, Path stateFile,
        Duration upstreamTimeout) implements Validatable {

    static final StubRange DEFAULT_STUB_RANGE = StubRange.parse("100.64.0.0/10");
    static final Duration DEFAULT_TTL = Duration.ofSeconds(5);
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    static final Path DEFAULT_STATE_FILE = Path.of("dns-mappings.json");
    static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(2);
    /** The longest TTL accepted, one day, well below the 2^31 - 1 s that DNS allows. */
    static final Duration MAX_TTL = Duration.ofDays(1);
    static final Duration MAX_UPSTREAM_TIMEOUT = Duration.ofSeconds(30);

    @JsonCreator
    public DnsSection(
            @JsonProperty(value = "listen", required = true) @PortZeroAllowed HostAndPort listen,
            @JsonProperty("upstreams") List<HostAndPort> upstreams,
            @JsonProperty("stubRange") StubRange stubRange,
            @JsonProperty("stubRange6") StubRange stubRange6,
            @JsonProperty("ttl") Duration ttl,
            @JsonProperty("idleTimeout") Duration idleTimeout,
            @JsonProperty("stateFile") Path stateFile,
            @JsonProperty("upstreamTimeout") Duration upstreamTimeout) {
        this.listen = listen;
        this.upstreams = upstreams == null ? null : List.copyOf(upstreams);
        this.stubRange = stubRange == null ? DEFAULT_STUB_RANGE : stubRange;
        this.stubRange6 = stubRange6;
        this.ttl = ttl == null ? DEFAULT_TTL : ttl;
        this.idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
        this.stateFile = stateFile == null ? DEFAULT_STATE_FILE : stateFile;
        this.upstreamTimeout = upstreamTimeout == null ? DEFAULT_UPSTREAM_TIMEOUT
                : upstreamTimeout;
    }

    /** Returns the upstream resolvers, empty when they come from {@code /etc/resolv.conf}. */
    @Override
    public List<HostAndPort> upstreams() {
        return upstreams == null ? List.of() : upstreams;
    }

    /** Returns this section with the state file resolved against {@code baseDir}. */
    public DnsSection resolve(Path baseDir) {
        return new DnsSection(listen, upstreams, stubRange, stubRange6, ttl, idleTimeout,
                baseDir.resolve(stateFile), upstreamTimeout);
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        if (upstreams != null && upstreams.isEmpty()) {
            context.fail("upstreams", "upstreams is empty: expected at least one resolver "
                    + "like 127.0.0.1:53, or no upstreams field to use /etc/resolv.conf");
        }
        for (int i = 0; i < upstreams().size(); i++) {
            String host = upstreams.get(i).host();
            if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
                context.fail("upstreams[" + i + "]", upstreams.get(i),
                        "an IP address and port like 127.0.0.1:53, because the DNS server "
                                + "cannot resolve the names of its own resolvers");
            }
        }
        if (!stubRange.isIpv4() || stubRange.prefixLength() < 8
                || stubRange.prefixLength() > 30) {
            context.fail("stubRange", stubRange,
                    "an IPv4 CIDR block from /8 to /30 like 100.64.0.0/10");
        }
        if (stubRange6 != null && (stubRange6.isIpv4() || stubRange6.prefixLength() < 64
                || stubRange6.prefixLength() > 126)) {
            context.fail("stubRange6", stubRange6,
                    "an IPv6 CIDR block from /64 to /126 like fd7a:ffff:ffff::/96");
        }
        if (ttl.toMillis() % 1000 != 0 || ttl.compareTo(MAX_TTL) > 0) {
            context.fail("ttl", ttl.toMillis() + "ms",
                    "whole seconds from 0s to 1d, like 5s");
        }
        if (idleTimeout.compareTo(ttl) <= 0) {
            context.fail("idleTimeout", idleTimeout.toMillis() + "ms",
                    "a duration longer than ttl (" + ttl.toSeconds() + "s), like 10m, so "
                            + "that no client still holds a stub answer when its mapping goes");
        }
        if (upstreamTimeout.isZero() || upstreamTimeout.compareTo(MAX_UPSTREAM_TIMEOUT) > 0) {
            context.fail("upstreamTimeout", upstreamTimeout.toMillis() + "ms",
                    "a duration from 1ms to 30s, like 2s");
        }
        if (stateFile.toString().isBlank()) {
            context.fail("stateFile", stateFile, "a file path like dns-mappings.json");
        }
    }
}
