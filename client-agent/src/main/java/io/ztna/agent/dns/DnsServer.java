package io.ztna.agent.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.ztna.agent.capture.StubAddressLookup;
import io.ztna.proto.config.HostAndPort;
import io.ztna.proto.metrics.DataPlaneMetrics;
import io.ztna.proto.log.LogLimiter;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.transport.Listeners;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's DNS server on UDP and TCP at one address; {@link QueryResolver} describes the
 * answers. Stub mappings are loaded from the state file at start, saved about once a second
 * after a mapping is added or reclaimed (and every {@link #TOUCH_SAVE_INTERVAL} when only
 * last-use times changed), and saved at close.
 *
 * <p>Call {@link #start()} and {@link #close()} from one thread. Queries run on the event
 * loops of the given group, which the caller owns and shuts down.
 */
public final class DnsServer implements AutoCloseable {

    static final Duration SAVE_CHECK_INTERVAL = Duration.ofSeconds(1);
    static final Duration TOUCH_SAVE_INTERVAL = Duration.ofMinutes(1);
    static final Duration TCP_IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    /** Maximum number of mappings listed in {@link #status()}. */
    static final int STATUS_MAPPINGS = 100;
    /** Attempts to find a port free for both UDP and TCP when port 0 is configured. */
    static final int PORT_ZERO_ATTEMPTS = 20;

    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

    private final EventLoopGroup group;
    private final DnsSection settings;
    private final Supplier<SteeringPolicy> policy;
    private final PublisherDns publisherDns;
    private final Clock clock;
    private final Path resolvConf;
    private final StubAddresses stubs;
    private final LogLimiter limiter;
    private final MalformedQueries malformed;
    private ScheduledExecutorService saver;
    private Channel udpChannel;
    private Channel tcpChannel;
    private UpstreamResolver upstream;
    private DataPlaneMetrics metrics = new DataPlaneMetrics();

    /**
     * Creates a server that takes default upstreams from {@code /etc/resolv.conf}.
     *
     * @param settings the {@code dns} section with its state file resolved
     * @param policy the steering policy in force, or null before the first arrives
     */
    public DnsServer(EventLoopGroup group, DnsSection settings,
            Supplier<SteeringPolicy> policy, PublisherDns publisherDns, Clock clock) {
        this(group, settings, policy, publisherDns, clock, ResolvConf.SYSTEM_FILE);
    }

    DnsServer(EventLoopGroup group, DnsSection settings, Supplier<SteeringPolicy> policy,
            PublisherDns publisherDns, Clock clock, Path resolvConf) {
        this.group = group;
        this.settings = settings;
        this.policy = policy;
        this.publisherDns = publisherDns;
        this.clock = clock;
        this.resolvConf = resolvConf;
        this.stubs = new StubAddresses(settings.stubRange(), settings.stubRange6(),
                settings.idleTimeout(), new MappingFile(settings.stateFile()), clock,
                TOUCH_SAVE_INTERVAL);
        this.limiter = new LogLimiter(1, LOG_INTERVAL, clock);
        this.malformed = new MalformedQueries(limiter);
    }

    /** Counts the queries this server responds to into {@code metrics}. Call before start. */
    public DnsServer withMetrics(DataPlaneMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    /**
     * Loads the stub mappings and binds UDP, then TCP on the same port.
     *
     * @throws IOException when binding fails or no upstream resolver is known
     */
    public DnsServer start() throws IOException, InterruptedException {
        loadMappings();
        upstream = new UpstreamResolver(group, upstreams(), settings.upstreamTimeout());
        QueryResolver resolver = new QueryResolver(policy, stubs, upstream,
                new PublisherDnsRelay(publisherDns, upstream, clock, limiter),
                settings.ttl().toSeconds(), limiter, metrics);
        bindBoth(resolver);
        saver = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dns-mappings-saver");
            thread.setDaemon(true);
            return thread;
        });
        saver.scheduleWithFixedDelay(this::saveIfChanged, SAVE_CHECK_INTERVAL.toMillis(),
                SAVE_CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        log.info("DNS server listening: address={} upstreams={} stubRange={} stubRange6={} "
                + "ttl={}s mappings={} stateFile={}", localAddress(), upstream.upstreams(),
                settings.stubRange(), settings.stubRange6(), settings.ttl().toSeconds(),
                stubs.size(), settings.stateFile());
        return this;
    }

    private void loadMappings() {
        try {
            stubs.load();
        } catch (IOException e) {
            // The mappings only keep addresses stable: starting empty beats not resolving.
            log.warn("stub mappings not loaded, starting with none: file={} error=\"{}\"",
                    settings.stateFile(), e.getMessage());
        }
    }

    /** Returns the configured upstreams, else the resolv.conf nameservers other than us. */
    private List<InetSocketAddress> upstreams() throws IOException {
        List<InetSocketAddress> configured = new ArrayList<>();
        for (HostAndPort upstream : settings.upstreams()) {
            configured.add(upstream.toSocketAddress());
        }
        if (!configured.isEmpty()) {
            return configured;
        }
        InetSocketAddress listen = settings.listen().toSocketAddress();
        List<InetSocketAddress> found = new ArrayList<>();
        for (InetSocketAddress server : ResolvConf.nameservers(resolvConf)) {
            if (!server.equals(listen)) {
                found.add(server);
            }
        }
        if (found.isEmpty()) {
            throw new IOException("no upstream DNS resolver: " + resolvConf + " lists none "
                    + "other than this server's own address " + settings.listen()
                    + "; set dns.upstreams in the agent config");
        }
        return found;
    }

    /**
     * Binds UDP, then TCP on the port UDP got. With port 0 the system picks the UDP port, and
     * TCP may hold that number already (a connection's source port), so another UDP port is
     * tried up to {@value #PORT_ZERO_ATTEMPTS} times.
     */
    private void bindBoth(QueryResolver resolver) throws IOException, InterruptedException {
        int attempts = settings.listen().port() == 0 ? PORT_ZERO_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            bindUdp(resolver);
            try {
                bindTcp(resolver);
                return;
            } catch (IOException e) {
                if (attempt >= attempts) {
                    throw e;
                }
            }
        }
    }

    private void bindUdp(QueryResolver resolver) throws IOException, InterruptedException {
        InetSocketAddress address = settings.listen().toSocketAddress();
        ChannelFuture bind = new Bootstrap()
                .group(group)
                .channel(Transports.datagramChannel())
                .handler(new UdpQueryHandler(resolver, malformed, limiter))
                .bind(address).await();
        if (!bind.isSuccess()) {
            throw new IOException("cannot listen on " + settings.listen() + " for DNS over UDP: "
                    + bind.cause().getMessage(), bind.cause());
        }
        udpChannel = bind.channel();
    }

    /** Binds TCP on the port of the UDP channel, closing that channel when binding fails. */
    private void bindTcp(QueryResolver resolver) throws IOException, InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(
                                new IdleStateHandler(0, 0, TCP_IDLE_TIMEOUT.toMillis(),
                                        TimeUnit.MILLISECONDS),
                                new LengthFieldBasedFrameDecoder(TcpExchange.MAX_FRAME_LENGTH,
                                        0, 2, 0, 2),
                                new TcpQueryHandler(resolver, malformed, limiter));
                    }
                });
        try {
            tcpChannel = Listeners.bind(bootstrap, localAddress(), "DNS over TCP");
        } catch (IOException e) {
            udpChannel.close().syncUninterruptibly();
            throw e;
        }
    }

    /** Returns the bound address, with the port the system chose when port 0 was configured. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) udpChannel.localAddress();
    }

    /** Returns the lookup from stub address to name, which marks the mapping used. */
    public StubAddressLookup stubLookup() {
        return stubs;
    }

    /** Returns the number of malformed queries dropped or whose TCP connection was closed. */
    public long malformedCount() {
        return malformed.count();
    }

    /**
     * Returns the server's part of the agent's status: address, mapping count, the
     * {@value #STATUS_MAPPINGS} most recently used mappings and the malformed query count.
     */
    public Map<String, Object> status() {
        List<StubMapping> all = stubs.mappings();
        List<Map<String, Object>> listed = new ArrayList<>();
        for (StubMapping mapping : all.subList(0, Math.min(STATUS_MAPPINGS, all.size()))) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", mapping.name());
            entry.put("address", mapping.address().getHostAddress());
            entry.put("lastUsed", mapping.lastUsed().toString());
            listed.add(entry);
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("listen", udpChannel == null ? null : localAddress().toString());
        status.put("stubMappingCount", all.size());
        status.put("stubMappings", listed);
        status.put("malformedCount", malformedCount());
        return status;
    }

    private void saveIfChanged() {
        try {
            stubs.saveIfChanged();
        } catch (IOException | RuntimeException e) {
            long suppressed = limiter.acquire("save failure");
            if (suppressed >= 0) {
                log.warn("stub mappings not saved: file={} error=\"{}\" suppressed={}",
                        settings.stateFile(), e.toString(), suppressed);
            }
        }
    }

    /** Stops both listeners and saves the mappings. */
    @Override
    public void close() {
        if (tcpChannel != null) {
            tcpChannel.close().syncUninterruptibly();
        }
        if (udpChannel != null) {
            udpChannel.close().syncUninterruptibly();
        }
        if (saver != null) {
            saver.shutdown();
            try {
                saver.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                stubs.save();
            } catch (IOException e) {
                log.warn("stub mappings not saved at stop: file={} error=\"{}\"",
                        settings.stateFile(), e.getMessage());
            }
        }
        log.info("DNS server stopped: mappings={} malformed={}", stubs.size(), malformedCount());
    }
}
