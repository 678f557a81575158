package io.ztna.proto.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.StreamListener;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.transport.Transports;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A gateway's early bridge over real tunnels on loopback: the client side's early bytes follow
 * each attempt's OPEN, and an attempt retried on another tunnel after GOING_AWAY sends them
 * again, exactly once.
 */
@ExtendWith(LeakCheck.class)
class StreamBridgeEarlyTest {

    private static final long TIMEOUT_SECONDS = 10;
    private static final FlowMetadata FLOW = FlowMetadata.tcp("intranet.corp.internal", 443);

    private final EventLoopGroup group = Transports.newGroup(2);
    private final List<Channel> channels = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Channel channel : channels) {
            channel.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void retryGetsEarlyBytesOnce() throws Exception {
        FarEnd goingAway = new FarEnd();
        FarEnd app = new FarEnd();
        Tunnel toGoingAway = dial(listen(goingAway));
        Tunnel toApp = dial(listen(app));
        BlockingQueue<StreamBridge> bridges = new LinkedBlockingQueue<>();
        Tunnel client = dial(listen(new TunnelListener() {
            @Override
            public void onStreamOpened(Tunnel tunnel, Stream downstream) {
                StreamBridge bridge = StreamBridge.early(downstream, ByteCounter.NONE);
                bridges.add(bridge);
                toGoingAway.open(downstream.metadata(), bridge::attach).addListener(first -> {
                    toApp.open(downstream.metadata(), bridge::attach).addListener(second -> {
                        if (second.isSuccess()) {
                            bridge.connect((Stream) second.getNow());
                        } else {
                            bridge.abandon();
                            downstream.reject(OpenResult.INTERNAL_ERROR, "second attempt");
                        }
                    });
                });
            }
        }));

        Recorder response = new Recorder();
        Future<Stream> open = client.open(FLOW, stream -> {
            stream.listen(response);
            stream.write(ascii("hello"));
        });
        Flow rejected = goingAway.flows.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(rejected).isNotNull();
        assertThat(rejected.recorder.firstBytes.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isEqualTo("hello");
        rejected.stream.reject(OpenResult.GOING_AWAY, "draining");

        Flow served = app.flows.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(served).isNotNull();
        assertThat(served.recorder.firstBytes.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isEqualTo("hello");
        served.stream.accept(served.recorder);
        Stream stream = open.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        stream.write(ascii(" world"));
        stream.fin();
        assertThat(served.recorder.fin.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isEqualTo("hello world");

        served.stream.write(ascii("ok"));
        served.stream.fin();
        assertThat(response.fin.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("ok");
        RelaySummary summary = bridges.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS).completion()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(summary).isEqualTo(new RelaySummary(11, 2, "closed"));
    }

    @Test
    void failedOpenReleasesEarlyBytes() throws Exception {
        FarEnd rejecting = new FarEnd();
        Tunnel toRejecting = dial(listen(rejecting));
        Tunnel client = dial(listen(new TunnelListener() {
            @Override
            public void onStreamOpened(Tunnel tunnel, Stream downstream) {
                StreamBridge bridge = StreamBridge.early(downstream, ByteCounter.NONE);
                toRejecting.open(downstream.metadata(), bridge::attach).addListener(f -> {
                    bridge.abandon();
                    downstream.reject(OpenResult.APP_REFUSED, "rejected");
                });
            }
        }));

        Future<Stream> open = client.open(FLOW,
                stream -> stream.write(Unpooled.wrappedBuffer(new byte[40_000])));
        Flow rejected = rejecting.flows.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(rejected).isNotNull();
        rejected.recorder.firstBytes.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        rejected.stream.reject(OpenResult.APP_REFUSED, "rejected");

        assertThat(open.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(open.cause()).hasMessage("rejected");
        // The leak check after the test finds any early copy the bridge kept.
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    /** A tunnel's far end that reads each stream before replying to its OPEN. */
    private static final class FarEnd implements TunnelListener {

        final BlockingQueue<Flow> flows = new LinkedBlockingQueue<>();

        @Override
        public void onStreamOpened(Tunnel tunnel, Stream stream) {
            Flow flow = new Flow(stream, new Recorder());
            stream.listen(flow.recorder);
            flows.add(flow);
        }
    }

    private record Flow(Stream stream, Recorder recorder) {
    }

    /** Records what a stream received: its first DATA, and everything once FIN arrived. */
    private static final class Recorder implements StreamListener {

        final CompletableFuture<String> firstBytes = new CompletableFuture<>();
        final CompletableFuture<String> fin = new CompletableFuture<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        @Override
        public synchronized void onData(Stream stream, ByteBuf data) {
            int length = data.readableBytes();
            byte[] bytes = ByteBufUtil.getBytes(data);
            data.release();
            stream.consumed(length);
            received.writeBytes(bytes);
            firstBytes.complete(new String(bytes, StandardCharsets.US_ASCII));
        }

        @Override
        public synchronized void onFin(Stream stream) {
            fin.complete(received.toString(StandardCharsets.US_ASCII));
        }

        @Override
        public void onReset(Stream stream, ErrorCode code, String reason) {
            fin.completeExceptionally(new IllegalStateException(code + " " + reason));
        }
    }

    private InetSocketAddress listen(TunnelListener listener) throws InterruptedException {
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        new Tunnel(ch, false, TunnelOptions.defaults(), listener, "dialer")
                                .install();
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        channels.add(server);
        return (InetSocketAddress) server.localAddress();
    }

    private Tunnel dial(InetSocketAddress address) throws Exception {
        CompletableFuture<Tunnel> created = new CompletableFuture<>();
        Channel channel = new Bootstrap()
                .group(group)
                .channel(Transports.socketChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        created.complete(new Tunnel(ch, true, TunnelOptions.defaults(),
                                (tunnel, stream) -> stream.reject(OpenResult.INTERNAL_ERROR,
                                        "the dialling side takes no streams"),
                                "listener").install());
                    }
                })
                .connect(address).sync().channel();
        channels.add(channel);
        Tunnel tunnel = created.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        tunnel.readyFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return tunnel;
    }
}
