package io.ztna.agent.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;

/**
 * Measures the TCP connect time to a client gateway, the agent's estimate of the round trip
 * to it: one SYN and SYN-ACK, plus the time to register the channel with the event loop. The
 * connection closes as soon as it is up, before any TLS byte is sent.
 */
final class ConnectTimeProbe {

    private ConnectTimeProbe() {
    }

    /**
     * Connects to {@code target} on {@code loop}. The future succeeds with the connect time in
     * nanoseconds, and fails when the connect fails or takes longer than {@code timeoutMillis}.
     */
    static Future<Long> measure(EventLoop loop, InetSocketAddress target, int timeoutMillis) {
        Promise<Long> result = loop.newPromise();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .handler(new ChannelInboundHandlerAdapter());
        long startNanos = System.nanoTime();
        ChannelFuture connect = bootstrap.connect(target);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                result.trySuccess(System.nanoTime() - startNanos);
                connect.channel().close();
            } else {
                result.tryFailure(f.cause());
            }
        });
        return result;
    }
}
