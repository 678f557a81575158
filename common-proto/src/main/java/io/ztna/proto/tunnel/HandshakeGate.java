package io.ztna.proto.tunnel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.log.LogAddresses;
import io.ztna.proto.log.LogLimiter;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.tls.PeerIdentity;
import io.ztna.proto.tls.SpiffeId;
import io.ztna.proto.tls.TlsContexts;
import io.ztna.proto.tls.TlsFailures;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the TLS handshake, then replaces itself with the frame codec and a {@link Tunnel}
 * whose listener is made for the proven peer identity. Handshake failures close the channel;
 * the trust manager has already logged role and trust-domain rejections.
 */
final class HandshakeGate extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HandshakeGate.class);

    /** The peer-role label of a handshake that failed before the peer was identified. */
    private static final String UNKNOWN_ROLE = "unknown";
    /**
     * Limits handshake failure and rejection lines to 5 per remote host and minute, so that a
     * host retrying in a loop cannot flood the log. Lines held back are counted into the next.
     */
    private static final LogLimiter FAILURE_LOG =
            new LogLimiter(5, Duration.ofMinutes(1), Clock.systemUTC());

    private final boolean initiator;
    private final TunnelOptions options;
    private final TunnelListenerFactory factory;
    private final Promise<Tunnel> result;
    private final SocketAddress remote;

    HandshakeGate(boolean initiator, TunnelOptions options, TunnelListenerFactory factory,
            Promise<Tunnel> result, SocketAddress remote) {
        this.initiator = initiator;
        this.options = options;
        this.factory = factory;
        this.result = result;
        this.remote = remote;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof SslHandshakeCompletionEvent done)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        String channelId = ctx.channel().id().asShortText();
        if (!done.isSuccess()) {
            if (causedByCertificate(done.cause())) {
                // The trust manager has logged this rejection with the presented id already.
                log.debug("{} TLS handshake failed: peer={} error={}",
                        channelId, remote, rootMessage(done.cause()));
            } else if (done.cause() instanceof ClosedChannelException) {
                // A peer that only opens and closes a TCP connection, such as a health check or
                // an agent or publisher measuring its connect time to this gateway, is not a TLS
                // failure.
                log.debug("{} connection closed before the TLS handshake finished: peer={}",
                        channelId, remote);
            } else {
                long suppressed = FAILURE_LOG.acquire(LogAddresses.host(remote));
                if (suppressed != LogLimiter.SUPPRESSED) {
                    log.info("{} TLS handshake failed: peer={} error={} suppressed={}",
                            channelId, remote, handshakeError(done.cause()), suppressed);
                }
            }
            if (!(done.cause() instanceof ClosedChannelException)) {
                options.observer().handshakeFinished(UNKNOWN_ROLE, failureReason(done.cause()));
            }
            fail(ctx, done.cause());
            return;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        String alpn = ssl.applicationProtocol();
        if (!TlsContexts.ALPN_PROTOCOL.equals(alpn)) {
            long suppressed = FAILURE_LOG.acquire(LogAddresses.host(remote));
            if (suppressed != LogLimiter.SUPPRESSED) {
                log.warn("{} tunnel rejected: peer={} alpn={} expected={} suppressed={}",
                        channelId, remote, alpn, TlsContexts.ALPN_PROTOCOL, suppressed);
            }
            options.observer().handshakeFinished(UNKNOWN_ROLE, "alpn");
            fail(ctx, new IllegalStateException("ALPN protocol " + alpn));
            return;
        }
        SpiffeId peer;
        try {
            peer = PeerIdentity.of(ssl.engine().getSession());
        } catch (CertificateException e) {
            long suppressed = FAILURE_LOG.acquire(LogAddresses.host(remote));
            if (suppressed != LogLimiter.SUPPRESSED) {
                log.warn("{} tunnel rejected: peer={} error={} suppressed={}", channelId, remote,
                        e.getMessage(), suppressed);
            }
            options.observer().handshakeFinished(UNKNOWN_ROLE, "identity");
            fail(ctx, e);
            return;
        }
        options.observer().handshakeFinished(peer.role().wireName(), "ok");
        ctx.pipeline().remove(this);
        TunnelListener listener = factory.create(peer, ctx.channel());
        Tunnel tunnel = new Tunnel(ctx.channel(), initiator, options, listener, peer.toString());
        tunnel.install();
        result.trySuccess(tunnel);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} connection failed before the tunnel was up: peer={} error={}",
                ctx.channel().id().asShortText(), remote, rootMessage(cause));
        fail(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.tryFailure(new IllegalStateException("connection closed during the TLS handshake"));
        ctx.fireChannelInactive();
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        result.tryFailure(cause);
        ctx.close();
    }

    /** Returns the handshake failure reason for metrics, from a small fixed set. */
    private static String failureReason(Throwable error) {
        if (causedByCertificate(error)) {
            return "certificate";
        }
        if (error instanceof SslHandshakeTimeoutException) {
            return "timeout";
        }
        return "tls";
    }

    private static boolean causedByCertificate(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /**
     * Returns the TLS alert the peer sent, as {@code the peer sent alert NAME}, or else the
     * innermost message.
     */
    private static String handshakeError(Throwable error) {
        String alert = TlsFailures.receivedAlert(error);
        return alert != null ? "the peer sent alert " + alert : rootMessage(error);
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
