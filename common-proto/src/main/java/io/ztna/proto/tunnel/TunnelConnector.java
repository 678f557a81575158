package io.ztna.proto.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.tls.TlsHandlers;
import io.ztna.proto.transport.SocketMark;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;

/**
 * Dials one tunnel once, without retrying: TCP connect, TLS handshake and HELLO exchange. A
 * caller that chooses among several addresses, such as an agent failing over between client
 * gateways, uses it in place of {@link TunnelDialer}, which keeps one address up.
 */
public final class TunnelConnector {

    private TunnelConnector() {
    }

    /**
     * Connects to {@code target} on {@code loop}. The future succeeds with the tunnel once both
     * sides exchanged HELLO, and fails with an {@link IOException} naming the target and the
     * root cause when the connect, the handshake or the HELLO exchange fails. The TCP connect
     * is bounded by {@code connectTimeoutMillis}, the TLS handshake by the SSL context's
     * handshake timeout and the HELLO exchange by the tunnel's dead-peer timeout.
     */
    public static Future<Tunnel> connect(EventLoop loop, InetSocketAddress target,
            SslContext sslContext, TunnelOptions options, TunnelListenerFactory factory,
            int connectTimeoutMillis) {
        return connect(loop, target, sslContext, options, factory, connectTimeoutMillis, 0);
    }

    /**
     * Connects as {@link #connect(EventLoop, InetSocketAddress, SslContext, TunnelOptions,
     * TunnelListenerFactory, int)} does, with a socket mark (SO_MARK) on the connection when
     * {@code socketMark} is not 0, so that the agent's capture rules leave the tunnel alone.
     */
    public static Future<Tunnel> connect(EventLoop loop, InetSocketAddress target,
            SslContext sslContext, TunnelOptions options, TunnelListenerFactory factory,
            int connectTimeoutMillis, int socketMark) {
        Promise<Tunnel> result = loop.newPromise();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Promise<Tunnel> handshake = ch.eventLoop().newPromise();
                        handshake.addListener(f -> {
                            if (f.isSuccess()) {
                                awaitHello((Tunnel) f.getNow(), target, result);
                            } else {
                                fail(result, target, f.cause());
                            }
                        });
                        ch.pipeline().addLast(TlsHandlers.forDial(sslContext, ch, target));
                        ch.pipeline().addLast(
                                new HandshakeGate(true, options, factory, handshake, target));
                    }
                });
        TunnelChannels.configure(bootstrap);
        if (socketMark != 0) {
            bootstrap.option(SocketMark.SO_MARK, socketMark);
        }
        ChannelFuture connect = bootstrap.connect(target);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                fail(result, target, f.cause());
            }
        });
        return result;
    }

    private static void awaitHello(Tunnel tunnel, InetSocketAddress target,
            Promise<Tunnel> result) {
        tunnel.readyFuture().addListener(f -> {
            if (f.isSuccess()) {
                result.trySuccess(tunnel);
            } else if (f.cause() instanceof ClosedChannelException) {
                fail(result, target,
                        new IOException("tunnel closed before HELLO: " + tunnel.closeReason()));
            } else {
                fail(result, target, f.cause());
            }
        });
    }

    private static void fail(Promise<Tunnel> result, InetSocketAddress target, Throwable cause) {
        result.tryFailure(new IOException("tunnel to " + target + " failed: "
                + TunnelDialer.describeFailure(cause), cause));
    }
}
