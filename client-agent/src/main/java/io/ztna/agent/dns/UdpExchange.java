package io.ztna.agent.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One query to one resolver over UDP, from a new socket connected to the resolver, so that
 * only its datagrams arrive and an ICMP port unreachable fails the exchange at once.
 */
final class UdpExchange {

    private UdpExchange() {
    }

    /**
     * Sends {@code query} and completes with the first datagram that is a response with the
     * query's id. Completes exceptionally with {@link TimeoutException} after {@code timeout},
     * or with the socket's error.
     */
    static CompletableFuture<byte[]> send(EventLoopGroup group, InetSocketAddress server,
            byte[] query, Duration timeout) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        int id = DnsPackets.id(query);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(Transports.datagramChannel())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        byte[] message = ByteBufUtil.getBytes(packet.content());
                        if (DnsPackets.isResponse(message) && DnsPackets.id(message) == id) {
                            result.complete(message);
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        result.completeExceptionally(cause);
                    }
                });
        ChannelFuture connect = bootstrap.connect(server);
        Channel channel = connect.channel();
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                result.completeExceptionally(done.cause());
                return;
            }
            channel.writeAndFlush(Unpooled.wrappedBuffer(query)).addListener(write -> {
                if (!write.isSuccess()) {
                    result.completeExceptionally(write.cause());
                }
            });
        });
        var timer = group.next().schedule(() -> result.completeExceptionally(
                new TimeoutException("timed out after " + timeout.toMillis() + "ms")),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((message, error) -> {
            timer.cancel(false);
            channel.close();
        });
        return result;
    }
}
