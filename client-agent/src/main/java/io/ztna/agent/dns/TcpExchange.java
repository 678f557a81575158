package io.ztna.agent.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One query to one resolver over a new TCP connection, each message framed by a two-byte
 * length (RFC 1035 section 4.2.2). Used when the resolver's UDP answer was truncated.
 */
final class TcpExchange {

    /** The largest frame: the two-byte length and a message of at most 65535 bytes. */
    static final int MAX_FRAME_LENGTH = 2 + 0xFFFF;

    private TcpExchange() {
    }

    /**
     * Sends {@code query} and completes with the first response with the query's id.
     * Completes exceptionally with {@link TimeoutException} when connecting and answering take
     * longer than {@code timeout} in all, or with the connection's error.
     */
    static CompletableFuture<byte[]> send(EventLoopGroup group, InetSocketAddress server,
            byte[] query, Duration timeout) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        int id = DnsPackets.id(query);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(
                                new LengthFieldBasedFrameDecoder(MAX_FRAME_LENGTH, 0, 2, 0, 2),
                                new ResponseHandler(id, result));
                    }
                });
        ChannelFuture connect = bootstrap.connect(server);
        Channel channel = connect.channel();
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                result.completeExceptionally(done.cause());
                return;
            }
            ByteBuf framed = channel.alloc().buffer(2 + query.length);
            framed.writeShort(query.length).writeBytes(query);
            channel.writeAndFlush(framed).addListener(write -> {
                if (!write.isSuccess()) {
                    result.completeExceptionally(write.cause());
                }
            });
        });
        var timer = group.next().schedule(() -> result.completeExceptionally(
                new TimeoutException("timed out over TCP after " + timeout.toMillis() + "ms")),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((message, error) -> {
            timer.cancel(false);
            channel.close();
        });
        return result;
    }

    /** Completes the exchange with the first framed response that has the query's id. */
    private static final class ResponseHandler extends SimpleChannelInboundHandler<ByteBuf> {

        private final int id;
        private final CompletableFuture<byte[]> result;

        ResponseHandler(int id, CompletableFuture<byte[]> result) {
            this.id = id;
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            byte[] message = ByteBufUtil.getBytes(frame);
            if (DnsPackets.isResponse(message) && DnsPackets.id(message) == id) {
                result.complete(message);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(
                    new IOException("connection closed before an answer arrived"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
        }
    }
}
