package io.ztna.proto.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.ztna.proto.transport.Transports;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream client against resolvers made up on loopback: one that answers over UDP, one that
 * truncates over UDP and answers over TCP, and one that never answers.
 */
class UpstreamDnsClientTest {

    private EventLoopGroup group;
    private final AtomicInteger tcpQueries = new AtomicInteger();

    @BeforeEach
    void start() {
        group = Transports.newGroup(1);
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Binds a UDP resolver that answers each query with an A record, truncated if asked. */
    private Channel udpResolver(boolean truncate) throws InterruptedException {
        return new Bootstrap().group(group).channel(Transports.datagramChannel())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        byte[] query = ByteBufUtil.getBytes(packet.content());
                        byte[] response = response(query, truncate);
                        ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(response),
                                packet.sender()));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Binds a TCP resolver on the given port that answers with three A records. */
    private Channel tcpResolver(int port) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65_535, 0, 2, 0, 2),
                                new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx,
                                            ByteBuf frame) {
                                        tcpQueries.incrementAndGet();
                                        byte[] response = response(ByteBufUtil.getBytes(frame),
                                                false);
                                        ctx.writeAndFlush(ctx.alloc().buffer()
                                                .writeShort(response.length).writeBytes(response));
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    private static byte[] response(byte[] query, boolean truncate) {
        try {
            byte[] response = DnsWire.addressResponse(DnsWire.id(query), "db.corp.internal",
                    DnsWire.TYPE_A, truncate ? List.of() : List.of(
                            InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2"),
                            InetAddress.getByName("10.0.0.3")), 30);
            if (truncate) {
                response[2] |= 0x02;
            }
            return response;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int answerCount(byte[] response) {
        return ((response[6] & 0xff) << 8) | (response[7] & 0xff);
    }

    @Test
    void udpAnswerReturned() throws Exception {
        Channel resolver = udpResolver(false);
        UpstreamDnsClient client = new UpstreamDnsClient(group,
                List.of((InetSocketAddress) resolver.localAddress()), Duration.ofSeconds(2));

        byte[] response = client.query(DnsWire.query(4242, "db.corp.internal", DnsWire.TYPE_A))
                .get(5, TimeUnit.SECONDS);

        assertThat(DnsWire.id(response)).isEqualTo(4242);
        assertThat(answerCount(response)).isEqualTo(3);
        resolver.close().sync();
    }

    @Test
    void truncatedAnswerRetriedOverTcp() throws Exception {
        // The TCP resolver needs the UDP resolver's port, which the kernel picked from the
        // ephemeral range. A TCP socket may hold that port already, so both move to another one.
        Channel udp = null;
        Channel tcp = null;
        for (int attempt = 1; tcp == null; attempt++) {
            udp = udpResolver(true);
            try {
                tcp = tcpResolver(((InetSocketAddress) udp.localAddress()).getPort());
            } catch (Exception e) {
                udp.close().sync();
                if (attempt == 20) {
                    throw e;
                }
            }
        }
        int port = ((InetSocketAddress) udp.localAddress()).getPort();
        UpstreamDnsClient client = new UpstreamDnsClient(group,
                List.of(new InetSocketAddress("127.0.0.1", port)), Duration.ofSeconds(2));

        byte[] response = client.query(DnsWire.query(7, "db.corp.internal", DnsWire.TYPE_A))
                .get(5, TimeUnit.SECONDS);

        assertThat(DnsWire.truncated(response)).isFalse();
        assertThat(answerCount(response)).isEqualTo(3);
        assertThat(tcpQueries.get()).isEqualTo(1);
        udp.close().sync();
        tcp.close().sync();
    }

    @Test
    void silentResolverSkippedForNext() throws Exception {
        Channel silent = new Bootstrap().group(group).channel(Transports.datagramChannel())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel answering = udpResolver(false);
        UpstreamDnsClient client = new UpstreamDnsClient(group,
                List.of((InetSocketAddress) silent.localAddress(),
                        (InetSocketAddress) answering.localAddress()), Duration.ofMillis(200));

        byte[] response = client.query(DnsWire.query(9, "db.corp.internal", DnsWire.TYPE_A))
                .get(5, TimeUnit.SECONDS);

        assertThat(answerCount(response)).isEqualTo(3);
        silent.close().sync();
        answering.close().sync();
    }

    @Test
    void noAnswerNamesEachResolver() throws Exception {
        Channel silent = new Bootstrap().group(group).channel(Transports.datagramChannel())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        InetSocketAddress address = (InetSocketAddress) silent.localAddress();
        UpstreamDnsClient client = new UpstreamDnsClient(group, List.of(address),
                Duration.ofMillis(200));

        Throwable thrown = catchThrowable(() -> client.query(
                DnsWire.query(1, "db.corp.internal", DnsWire.TYPE_A)).get(5, TimeUnit.SECONDS));

        assertThat(thrown).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DnsUpstreamException.class)
                .hasMessage("no upstream resolver answered: " + address
                        + " timed out over UDP after 200 ms");
        silent.close().sync();
    }

    @Test
    void invalidNameRejectedBeforeSending() {
        Throwable thrown = catchThrowable(() -> DnsWire.query(1, "a..b", DnsWire.TYPE_A));

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid DNS name 'a..b': expected labels of 1 to 63 characters, "
                        + "253 in all");
    }
}
