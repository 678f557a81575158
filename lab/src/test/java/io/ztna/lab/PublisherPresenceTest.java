package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.ztna.lab.demo.DemoEchoServer;
import io.ztna.proto.control.PresenceMessage.PublisherState;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.Protocol;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.StreamListener;
import io.ztna.proto.transport.Transports;
import io.ztna.publisher.Publisher;
import io.ztna.publisher.PublisherConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publisher gateway passes its publisher's status on to client gateways: the presence
 * snapshot and every update carry the publisher's active flows, tunnel RTT and app
 * reachability, and a publisher that goes away is announced as disconnected at once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublisherPresenceTest {

    private static final long INTERVAL_MILLIS = 200;

    @TempDir
    Path dir;

    private final EventLoopGroup appGroup = Transports.newGroup(1);
    private PublisherGatewaysLab lab;
    private Channel intranet;
    private DemoEchoServer echo;
    private Publisher publisher;
    private CraftedClientGateway clientGateway;

    @BeforeEach
    void start() throws Exception {
        lab = new PublisherGatewaysLab(dir, 1);
        intranet = new ServerBootstrap()
                .group(appGroup)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.close();
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        echo = new DemoEchoServer(new InetSocketAddress("127.0.0.1", 0)).start(appGroup);
        int intranetPort = ((InetSocketAddress) intranet.localAddress()).getPort();
        publisher = new Publisher(PublisherConfig.load(lab.publisherConfig(
                "reachability:\n"
                        + "  interval: " + INTERVAL_MILLIS + "ms\n"
                        + "  timeout: 150ms\n"
                        + "  apps:\n"
                        + "    - name: intranet\n"
                        + "      targets: [intranet.corp.internal:" + intranetPort + "]\n")))
                .start();
        clientGateway = new CraftedClientGateway(lab.pki, lab.address(0));
    }

    @AfterEach
    void stop() {
        if (clientGateway != null) {
            clientGateway.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (lab != null) {
            lab.close();
        }
        if (echo != null) {
            echo.close();
        }
        intranet.close().syncUninterruptibly();
        appGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void presenceCarriesReachabilityAndFlows() throws Exception {
        PublisherState up = clientGateway.awaitState("pub-1",
                state -> state.connected() && state.apps().containsKey("intranet"), 10_000);
        assertThat(up.apps()).isEqualTo(Map.of("intranet", true));
        assertThat(up.activeFlows()).isEqualTo(0);

        Stream flow = clientGateway.tunnel().open(new FlowMetadata(Protocol.TCP, "127.0.0.1",
                echo.localAddress().getPort(), "flow-1", "alice@example.com", "laptop-1", "echo",
                "pub-1")).get(10, TimeUnit.SECONDS);
        flow.listen(new DiscardingListener());
        InProcessLab.await(() -> publisher.activeFlows() == 1, "publisher relays the flow");
        intranet.close().sync();
        long closedNanos = System.nanoTime();

        PublisherState down = clientGateway.awaitState("pub-1",
                state -> Boolean.FALSE.equals(state.apps().get("intranet")), 5_000);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedNanos);

        assertThat(down.connected()).isTrue();
        assertThat(down.apps()).isEqualTo(Map.of("intranet", false));
        assertThat(down.activeFlows()).isEqualTo(1);
        assertThat(down.rttMicros()).isGreaterThanOrEqualTo(0);
        assertThat(millis).as("time from app close to the presence update")
                .isLessThan(2 * INTERVAL_MILLIS + 1_000);
        flow.reset(ErrorCode.CANCEL, "test done");
    }

    @Test
    void snapshotCarriesLastStatus() throws Exception {
        clientGateway.awaitState("pub-1",
                state -> state.connected() && state.apps().containsKey("intranet"), 10_000);

        try (CraftedClientGateway late = new CraftedClientGateway(lab.pki, lab.address(0))) {
            PublisherState state = late.awaitState("pub-1", PublisherState::connected, 10_000);

            assertThat(state.apps()).isEqualTo(Map.of("intranet", true));
            assertThat(state.activeFlows()).isEqualTo(0);
        }
    }

    @Test
    void publisherGoneAnnouncedAtOnce() throws Exception {
        clientGateway.awaitState("pub-1", PublisherState::connected, 10_000);

        long closeNanos = System.nanoTime();
        publisher.close();
        publisher = null;
        PublisherState disconnected = clientGateway.awaitState("pub-1",
                state -> !state.connected(), 5_000);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeNanos);

        assertThat(disconnected.connected()).isFalse();
        assertThat(disconnected.apps()).isEmpty();
        assertThat(millis).as("time from publisher close to the presence update")
                .isLessThan(3_000);
    }

    /** Releases what arrives on a flow and returns its credit. */
    private static final class DiscardingListener implements StreamListener {

        @Override
        public void onData(Stream stream, ByteBuf data) {
            int length = data.readableBytes();
            data.release();
            stream.consumed(length);
        }

        @Override
        public void onFin(Stream stream) {
        }

        @Override
        public void onReset(Stream stream, ErrorCode code, String reason) {
        }
    }
}
