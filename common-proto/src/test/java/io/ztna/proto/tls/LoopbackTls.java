package io.ztna.proto.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One TLS server and one client connection on 127.0.0.1, each side with a
 * {@link HandshakeRecorder}. Closing it closes both channels.
 */
final class LoopbackTls implements AutoCloseable {
    static final long TIMEOUT_SECONDS = 10;

    final Channel server;
    final Channel client;
    final CompletableFuture<HandshakeRecorder> serverSide;
    final HandshakeRecorder clientSide;

    private LoopbackTls(Channel server, Channel client,
            CompletableFuture<HandshakeRecorder> serverSide, HandshakeRecorder clientSide) {
        this.server = server;
        this.client = client;
        this.serverSide = serverSide;
        this.clientSide = clientSide;
    }

    /** Starts a server with {@code serverContext} and connects one client to it. */
    static LoopbackTls connect(EventLoopGroup group, SslContext serverContext,
            SslContext clientContext) throws Exception {
        CompletableFuture<HandshakeRecorder> serverSide = new CompletableFuture<>();
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        HandshakeRecorder recorder = new HandshakeRecorder();
                        ch.pipeline().addLast(TlsHandlers.forAcceptedChannel(serverContext, ch),
                                recorder);
                        serverSide.complete(recorder);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        HandshakeRecorder clientSide = new HandshakeRecorder();
        Channel client = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(TlsHandlers.forDial(clientContext, ch, address),
                                clientSide);
                    }
                })
                .connect(address)
                .sync()
                .channel();
        return new LoopbackTls(server, client, serverSide, clientSide);
    }

    /** Returns the server side of the accepted connection. */
    HandshakeRecorder serverSide() throws Exception {
        return serverSide.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        server.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
