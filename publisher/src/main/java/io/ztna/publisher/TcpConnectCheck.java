package io.ztna.publisher;

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
 * A TCP connect that measures the handshake and closes the connection at once, sending and
 * reading nothing. The publisher uses it to measure the RTT to its gateways (one SYN, SYN-ACK
 * round trip) and to probe whether an app accepts connections.
 */
final class TcpConnectCheck {

    private TcpConnectCheck() {
    }

    /**
     * Connects to {@code target} from {@code loop}. The future completes on the loop with the
     * connect time in nanoseconds, or fails with the connect error, including a
     * {@code ConnectTimeoutException} after {@code timeoutMillis}.
     */
    static Future<Long> connect(EventLoop loop, InetSocketAddress target, int timeoutMillis) {
        Promise<Long> result = loop.newPromise();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1, timeoutMillis))
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter());
        long startNanos = System.nanoTime();
        bootstrap.connect(target).addListener((ChannelFuture connect) -> {
            if (!connect.isSuccess()) {
                result.tryFailure(connect.cause());
                return;
            }
            long nanos = System.nanoTime() - startNanos;
            connect.channel().close();
            result.trySuccess(nanos);
        });
        return result;
    }
}
