package io.ztna.proto.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends raw DNS queries to upstream resolvers and returns their raw responses. Each resolver is
 * asked over UDP from a fresh ephemeral port; a truncated answer is asked again over TCP; a
 * resolver that does not answer within the timeout is skipped for the next one. A response
 * counts only when it comes from the resolver asked and carries the query's id.
 */
public final class UpstreamDnsClient {

    private final EventLoopGroup group;
    private final List<InetSocketAddress> resolvers;
    private final long timeoutMillis;

    /**
     * @param resolvers resolvers in the order they are tried
     * @param timeout time each resolver has to answer, per transport
     */
    public UpstreamDnsClient(EventLoopGroup group, List<InetSocketAddress> resolvers,
            Duration timeout) {
        this.group = group;
        this.resolvers = List.copyOf(resolvers);
        this.timeoutMillis = timeout.toMillis();
    }

    public List<InetSocketAddress> resolvers() {
        return resolvers;
    }

    /**
     * Resolves a query in wire format. The future completes with the first resolver's response,
     * or exceptionally with a {@link DnsUpstreamException} naming each resolver's failure.
     */
    public CompletableFuture<byte[]> query(byte[] query) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        if (resolvers.isEmpty()) {
            result.completeExceptionally(new DnsUpstreamException("no upstream resolver is "
                    + "configured"));
            return result;
        }
        tryResolver(query, 0, new StringBuilder(), result);
        return result;
    }

    private void tryResolver(byte[] query, int index, StringBuilder failures,
            CompletableFuture<byte[]> result) {
        if (index >= resolvers.size()) {
            result.completeExceptionally(new DnsUpstreamException(
                    "no upstream resolver answered: " + failures));
            return;
        }
        InetSocketAddress resolver = resolvers.get(index);
        udp(query, resolver).thenCompose(response -> DnsWire.truncated(response)
                        ? tcp(query, resolver) : CompletableFuture.completedFuture(response))
                .whenComplete((response, error) -> {
                    if (error == null) {
                        result.complete(response);
                        return;
                    }
                    Throwable cause = error.getCause() != null ? error.getCause() : error;
                    failures.append(failures.length() == 0 ? "" : "; ").append(resolver)
                            .append(' ').append(cause.getMessage());
                    tryResolver(query, index + 1, failures, result);
                });
    }

    private CompletableFuture<byte[]> udp(byte[] query, InetSocketAddress resolver) {
        CompletableFuture<byte[]> response = new CompletableFuture<>();
        int id = DnsWire.id(query);
        ChannelFuture bind = new Bootstrap().group(group).channel(Transports.datagramChannel())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        byte[] bytes = ByteBufUtil.getBytes(packet.content());
                        if (packet.sender().equals(resolver) && DnsWire.id(bytes) == id
                                && DnsWire.isResponse(bytes)) {
                            response.complete(bytes);
                            ctx.close();
                        }
                    }
                })
                .bind(new InetSocketAddress(resolver.getAddress().getAddress().length == 4
                        ? "0.0.0.0" : "::", 0));
        bind.addListener(f -> {
            if (!f.isSuccess()) {
                response.completeExceptionally(f.cause());
                return;
            }
            Channel channel = bind.channel();
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(query), resolver));
            expire(channel, response, "timed out over UDP after " + timeoutMillis + " ms");
        });
        return response;
    }

    private CompletableFuture<byte[]> tcp(byte[] query, InetSocketAddress resolver) {
        CompletableFuture<byte[]> response = new CompletableFuture<>();
        int id = DnsWire.id(query);
        ChannelFuture connect = new Bootstrap().group(group).channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65_535, 0, 2, 0, 2),
                                new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx,
                                            ByteBuf frame) {
                                        byte[] bytes = ByteBufUtil.getBytes(frame);
                                        if (DnsWire.id(bytes) == id) {
                                            response.complete(bytes);
                                            ctx.close();
                                        }
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        response.completeExceptionally(new DnsUpstreamException(
                                                "closed the TCP connection without an answer"));
                                    }
                                });
                    }
                })
                .connect(resolver);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                response.completeExceptionally(new DnsUpstreamException(
                        "TCP connect failed: " + f.cause().getMessage()));
                return;
            }
            ByteBuf framed = connect.channel().alloc().buffer(query.length + 2);
            framed.writeShort(query.length).writeBytes(query);
            connect.channel().writeAndFlush(framed);
            expire(connect.channel(), response, "timed out over TCP after " + timeoutMillis
                    + " ms");
        });
        return response;
    }

    private void expire(Channel channel, CompletableFuture<byte[]> response, String reason) {
        channel.eventLoop().schedule(() -> {
            response.completeExceptionally(new DnsUpstreamException(reason));
            channel.close();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        response.whenComplete((bytes, error) -> channel.close());
    }
}
