package io.ztna.proto.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;

/**
 * Records what one side of a test connection saw: the peer's SPIFFE id and ALPN protocol after
 * a successful handshake, or the first failure (a handshake failure or a later TLS alert).
 */
final class HandshakeRecorder extends ChannelInboundHandlerAdapter {
    final CompletableFuture<SpiffeId> peerId = new CompletableFuture<>();
    final CompletableFuture<String> applicationProtocol = new CompletableFuture<>();
    final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    final CompletableFuture<SslHandler> completedHandler = new CompletableFuture<>();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent) {
            SslHandshakeCompletionEvent completion = (SslHandshakeCompletionEvent) event;
            if (completion.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                applicationProtocol.complete(String.valueOf(ssl.applicationProtocol()));
                completedHandler.complete(ssl);
                peerId.complete(PeerIdentity.of(ssl.engine().getSession()));
            } else {
                peerId.completeExceptionally(completion.cause());
                failure.complete(completion.cause());
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        peerId.completeExceptionally(cause);
        failure.complete(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        peerId.completeExceptionally(new ClosedChannelException());
        super.channelInactive(ctx);
    }
}
