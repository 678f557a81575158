package io.ztna.publisher;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** Measures the RTT to a publisher gateway as the time its TCP handshake takes. */
final class TcpGatewayRttProbe implements GatewayRttProbe {

    /** Time a gateway has to accept the connection before it counts as unreachable. */
    static final int TIMEOUT_MILLIS = 3_000;

    private final EventLoopGroup group;

    TcpGatewayRttProbe(EventLoopGroup group) {
        this.group = group;
    }

    @Override
    public CompletableFuture<Long> measure(InetSocketAddress gateway) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        TcpConnectCheck.connect(group.next(), gateway, TIMEOUT_MILLIS).addListener(f -> {
            if (f.isSuccess()) {
                result.complete((Long) f.getNow());
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }
}
