package io.ztna.proto.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.log.ErrorMessages;
import io.ztna.proto.log.LogAddresses;
import io.ztna.proto.log.LogLimiter;
import io.ztna.proto.log.TunnelEvents;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.tls.SpiffeId;
import io.ztna.proto.tls.TlsFailures;
import io.ztna.proto.tls.TlsHandlers;
import io.ztna.proto.transport.SocketMark;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one tunnel to one address up: dials, and after a failure or a loss dials again with
 * {@link Backoff}. The backoff restarts once a tunnel completed its HELLO exchange.
 *
 * <p>State is confined to one event loop of the group.
 */
public final class TunnelDialer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TunnelDialer.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** Failed attempts in a row that each get a WARN line before the lines are rate-limited. */
    static final int ATTEMPTS_LOGGED_EACH = 3;
    /**
     * Limits the {@code tunnel connect failed} lines past the first {@value #ATTEMPTS_LOGGED_EACH}
     * attempts to one per target address and minute. Lines held back are counted into the next.
     */
    private static final LogLimiter CONNECT_FAILURE_LOG =
            new LogLimiter(1, Duration.ofMinutes(1), Clock.systemUTC());
    private static final String CONNECTION_CLOSED = "connection closed";

    /**
     * Time a tunnel must stay up before its loss restarts the backoff from the initial delay,
     * so that a peer that accepts the handshake and then closes the tunnel at once, as a client
     * gateway does for a user it no longer lists, is retried with growing delays.
     */
    private static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final EventLoop loop;
    private final EventLoopGroup group;
    private final InetSocketAddress target;
    private final SslContext sslContext;
    private final TunnelOptions options;
    private final TunnelListenerFactory factory;
    private final Backoff backoff;
    private final Consumer<Tunnel> onReady;
    private final Consumer<String> onDown;
    private volatile Tunnel current;
    private long upSinceNanos;
    private volatile boolean closed;
    private Channel channel;
    private String lastFailure = CONNECTION_CLOSED;
    private int failedAttempts;
    /** The tunnel of the last attempt that passed the TLS handshake, until its channel closes. */
    private Tunnel attemptTunnel;
    private LogLimiter failureLog = CONNECT_FAILURE_LOG;
    private int socketMark;
    private String localId;

    /**
     * @param onReady called on the tunnel's event loop each time a tunnel becomes ready
     */
    public TunnelDialer(EventLoopGroup group, InetSocketAddress target, SslContext sslContext,
            TunnelOptions options, TunnelListenerFactory factory, Backoff backoff,
            Consumer<Tunnel> onReady) {
        this(group, target, sslContext, options, factory, backoff, onReady, error -> { });
    }

    /**
     * @param onReady called on the tunnel's event loop each time a tunnel becomes ready
     * @param onDown called on the dialer's event loop after each failed attempt and each lost
     *     tunnel, with the error, before the next attempt is scheduled. It is not called once
     *     the dialer is closed.
     */
    public TunnelDialer(EventLoopGroup group, InetSocketAddress target, SslContext sslContext,
            TunnelOptions options, TunnelListenerFactory factory, Backoff backoff,
            Consumer<Tunnel> onReady, Consumer<String> onDown) {
        this.group = group;
        this.loop = group.next();
        this.target = target;
        this.sslContext = sslContext;
        this.options = options;
        this.factory = factory;
        this.backoff = backoff;
        this.onReady = onReady;
        this.onDown = onDown;
    }

    /**
     * Sets SO_MARK on the sockets dialled from now on, so that firewall rules can tell the
     * tunnel's packets apart; 0, the default, sets none. A mark needs the epoll transport and
     * CAP_NET_ADMIN, and a dial whose mark cannot be set fails and is retried like any other.
     */
    public TunnelDialer socketMark(int mark) {
        this.socketMark = mark;
        return this;
    }

    /**
     * Sets the id of the daemon that dials, written as {@code gateway} in its tunnel events;
     * null, the default, writes none.
     */
    public TunnelDialer localId(String id) {
        this.localId = id;
        return this;
    }

    /** Replaces the limiter of {@code tunnel connect failed} lines, for tests with a clock. */
    TunnelDialer failureLog(LogLimiter limiter) {
        this.failureLog = limiter;
        return this;
    }

    public InetSocketAddress target() {
        return target;
    }

    /** The ready tunnel, or null while none is up. */
    public Tunnel current() {
        Tunnel tunnel = current;
        return tunnel != null && tunnel.isActive() ? tunnel : null;
    }

    public void start() {
        loop.execute(this::dial);
    }

    private void dial() {
        if (closed) {
            return;
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Promise<Tunnel> tunnel = ch.eventLoop().newPromise();
                        tunnel.addListener(f -> {
                            if (f.isSuccess()) {
                                watch((Tunnel) f.getNow());
                            } else {
                                lastFailure = describeFailure(f.cause());
                            }
                        });
                        ch.pipeline().addLast(TlsHandlers.forDial(sslContext, ch, target));
                        ch.pipeline().addLast(
                                new HandshakeGate(true, options, factory, tunnel, target));
                    }
                });
        TunnelChannels.configure(bootstrap);
        if (socketMark != 0) {
            bootstrap.option(SocketMark.SO_MARK, socketMark);
        }
        ChannelFuture connect = bootstrap.connect(target);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                lastFailure = describeFailure(f.cause());
            }
        });
        channel = connect.channel();
        channel.closeFuture().addListener(f -> loop.execute(() -> lost(connect.channel())));
    }

    private void watch(Tunnel tunnel) {
        attemptTunnel = tunnel;
        tunnel.readyFuture().addListener(f -> {
            if (!f.isSuccess()) {
                return;
            }
            if (closed) {
                tunnel.shutdownGracefully("dialer closed");
                return;
            }
            upSinceNanos = System.nanoTime();
            failedAttempts = 0;
            current = tunnel;
            TunnelEvents.up(localId, SpiffeId.parse(tunnel.peer()), target);
            onReady.accept(tunnel);
        });
    }

    private void lost(Channel lostChannel) {
        if (lostChannel != channel) {
            return;
        }
        Tunnel lostTunnel = current;
        current = null;
        Tunnel attempt = attemptTunnel;
        attemptTunnel = null;
        if (lostTunnel != null) {
            TunnelEvents.down(localId, SpiffeId.parse(lostTunnel.peer()), target,
                    lostTunnel.closeReason());
        }
        if (closed) {
            return;
        }
        if (lostTunnel != null && System.nanoTime() - upSinceNanos >= STABLE_NANOS) {
            backoff.reset();
        }
        long delay = backoff.nextDelayMillis();
        String error = lastFailure;
        lastFailure = CONNECTION_CLOSED;
        if (lostTunnel == null && attempt != null) {
            // The channel's close future completes before the tunnel's channelInactive fails its
            // ready future, so the tunnel's error is read here instead of from that future.
            error = attempt.failure() != null
                    ? describeFailure(attempt.failure()) : attempt.closeReason();
        }
        if (lostTunnel != null) {
            log.debug("tunnel reconnect scheduled: peer={} address={} retryInMillis={}",
                    lostTunnel.peer(), target, delay);
        } else {
            failedAttempts++;
            logConnectFailure(error, delay);
        }
        loop.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
        onDown.accept(lostTunnel != null ? "tunnel lost: " + error : error);
    }

    /**
     * Logs a failed attempt at WARN: each of the first {@value #ATTEMPTS_LOGGED_EACH} in a row,
     * then at most one per minute with the count of lines held back.
     */
    private void logConnectFailure(String error, long delay) {
        String address = LogAddresses.format(target);
        long suppressed = 0;
        if (failedAttempts > ATTEMPTS_LOGGED_EACH) {
            suppressed = failureLog.acquire(address);
        }
        if (suppressed == LogLimiter.SUPPRESSED) {
            log.debug("tunnel connect failed: address={} attempt={} error=\"{}\" "
                    + "retryInMillis={}", address, failedAttempts, error, delay);
            return;
        }
        log.warn("tunnel connect failed: address={} attempt={} error=\"{}\" retryInMillis={} "
                + "suppressed={}", address, failedAttempts, error, delay, suppressed);
    }

    /**
     * Returns the error of a failed attempt for the log: the alert a peer sent during the
     * TLS handshake with what it usually means, or else the innermost message.
     */
    static String describeFailure(Throwable error) {
        String alert = TlsFailures.receivedAlert(error);
        if (alert != null) {
            return "TLS handshake failed: the peer sent alert " + alert + " (the gateway rejected"
                    + " this daemon's certificate or closed during the handshake; see the"
                    + " gateway's log)";
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return ErrorMessages.withoutNativeCall(root);
    }

    /** Stops reconnecting and drains the current tunnel with GOAWAY. */
    @Override
    public void close() {
        closed = true;
        Tunnel tunnel = current;
        if (tunnel != null) {
            tunnel.shutdownGracefully("shutting down");
        } else if (channel != null) {
            channel.close();
        }
    }

    EventLoopGroup group() {
        return group;
    }
}
