package io.ztna.proto.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import javax.net.ssl.SSLHandshakeException;

/**
 * Creates {@link SslHandler}s whose engine carries the peer address, so that handshake
 * rejections are logged with it.
 */
public final class TlsHandlers {
    private TlsHandlers() {
    }

    /** Creates the handler for a channel that a server accepted; its remote address is known. */
    public static SslHandler forAcceptedChannel(SslContext context, Channel channel) {
        return forPeer(context, channel, channel.remoteAddress());
    }

    /** Creates the handler for a client channel that is about to dial {@code remote}. */
    public static SslHandler forDial(SslContext context, Channel channel,
            InetSocketAddress remote) {
        return forPeer(context, channel, remote);
    }

    /**
     * Checks that the completed handshake negotiated {@link TlsContexts#ALPN_PROTOCOL}.
     *
     * @throws SSLHandshakeException naming the negotiated protocol, or none, otherwise
     */
    public static void checkApplicationProtocol(SslHandler handler)
            throws SSLHandshakeException {
        String negotiated = handler.applicationProtocol();
        if (!TlsContexts.ALPN_PROTOCOL.equals(negotiated)) {
            throw new SSLHandshakeException("peer negotiated ALPN protocol " + negotiated
                    + " (expected " + TlsContexts.ALPN_PROTOCOL + ")");
        }
    }

    private static SslHandler forPeer(SslContext context, Channel channel, SocketAddress remote) {
        if (remote instanceof InetSocketAddress) {
            InetSocketAddress address = (InetSocketAddress) remote;
            return context.newHandler(channel.alloc(), address.getHostString(), address.getPort());
        }
        return context.newHandler(channel.alloc());
    }
}
