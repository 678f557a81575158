package io.ztna.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.ztna.agent.capture.PortForward;
import io.ztna.agent.capture.RecordingFarEnd;
import io.ztna.agent.capture.TunnelPair;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.frame.Protocol;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.StreamListener;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverFlowOpenerTest {

    private static final FlowMetadata FLOW = new FlowMetadata(Protocol.TCP, "app.corp.test",
            443, "flow-1", "alice", "laptop", "app", "pub-1");

    private EventLoopGroup group;
    private final List<TunnelPair> pairs = new ArrayList<>();
    private final AtomicReference<Tunnel> current = new AtomicReference<>();

    @BeforeEach
    void startGroup() {
        group = Transports.newGroup(2);
    }

    @AfterEach
    void stopGroup() {
        pairs.forEach(TunnelPair::close);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void retriesOnlyGoingAway() {
        assertThat(FailoverFlowOpener.retries(
                new FlowOpenException(OpenResult.GOING_AWAY, "tunnel is draining"))).isTrue();
        for (OpenResult result : OpenResult.values()) {
            if (result != OpenResult.GOING_AWAY) {
                assertThat(FailoverFlowOpener.retries(new FlowOpenException(result, "x")))
                        .as("%s", result).isFalse();
            }
        }
        assertThat(FailoverFlowOpener.retries(new IllegalStateException("x"))).isFalse();
        assertThat(FailoverFlowOpener.retries(null)).isFalse();
    }

    @Test
    void drainingTunnelWaitsForNextTunnel() throws Exception {
        AppEnd firstApp = new AppEnd(null);
        TunnelPair first = pair(firstApp);
        first.near().shutdownGracefully("test drains the first tunnel");
        current.set(first.near());
        FailoverFlowOpener opener = opener(15_000);

        Future<Stream> open = opener.open(FLOW);
        assertThat(open.await(300, TimeUnit.MILLISECONDS)).as("open waits").isFalse();
        AppEnd secondApp = new AppEnd(null);
        current.set(pair(secondApp).near());

        Stream stream = open.get(10, TimeUnit.SECONDS);
        assertThat(stream.tunnel()).isSameAs(current.get());
        assertThat(firstApp.opens.get()).isZero();
        assertThat(secondApp.opens.get()).isEqualTo(1);
        stream.reset(ErrorCode.CLIENT_RESET, "test done");
    }

    @Test
    void goingAwayResultRetriedOnce() throws Exception {
        AppEnd drainingApp = new AppEnd(OpenResult.GOING_AWAY);
        current.set(pair(drainingApp).near());
        FailoverFlowOpener opener = opener(15_000);

        Future<Stream> open = opener.open(FLOW);
        awaitOpens(drainingApp, 1);
        AppEnd secondApp = new AppEnd(OpenResult.GOING_AWAY);
        current.set(pair(secondApp).near());

        ExecutionException failure = awaitFailure(open);
        assertThat(((FlowOpenException) failure.getCause()).result())
                .isEqualTo(OpenResult.GOING_AWAY);
        assertThat(drainingApp.opens.get()).isEqualTo(1);
        assertThat(secondApp.opens.get()).isEqualTo(1);
    }

    /**
     * A port-forward client's early bytes reach the first tunnel's far end, which then replies
     * GOING_AWAY: the retry on the next tunnel sends them again, and the far end there reads
     * each byte exactly once.
     */
    @Test
    void retrySendsEarlyBytesOnce() throws Exception {
        RecordingFarEnd firstEnd = new RecordingFarEnd();
        RecordingFarEnd secondEnd = new RecordingFarEnd();
        current.set(pair(firstEnd).near());
        TunnelPair second = pair(secondEnd);
        try (PortForward forward = new PortForward(group, new InetSocketAddress("127.0.0.1", 0),
                "echo.corp.test", 7, opener(15_000)).start();
                Socket client = new Socket()) {
            client.connect(forward.localAddress(), 5_000);
            client.setSoTimeout(10_000);
            client.getOutputStream().write(ascii("hello"));

            RecordingFarEnd.Flow first = firstEnd.flows().poll(5, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(first.firstBytes().get(5, TimeUnit.SECONDS)).isEqualTo(5);
            current.set(second.near());
            first.reject(OpenResult.GOING_AWAY);

            RecordingFarEnd.Flow retried = secondEnd.flows().poll(5, TimeUnit.SECONDS);
            assertThat(retried).isNotNull();
            assertThat(retried.firstBytes().get(5, TimeUnit.SECONDS)).isEqualTo(5);
            retried.accept();
            client.getOutputStream().write(ascii(" world"));
            client.shutdownOutput();
            assertThat(retried.fin().get(5, TimeUnit.SECONDS)).isEqualTo("hello world");

            retried.reply("ok");
            assertThat(client.getInputStream().readAllBytes()).isEqualTo(ascii("ok"));
        }
    }

    @Test
    void otherResultFailsAtOnce() throws Exception {
        AppEnd refusing = new AppEnd(OpenResult.APP_REFUSED);
        current.set(pair(refusing).near());

        ExecutionException failure = awaitFailure(opener(15_000).open(FLOW));
        assertThat(((FlowOpenException) failure.getCause()).result())
                .isEqualTo(OpenResult.APP_REFUSED);
        assertThat(refusing.opens.get()).isEqualTo(1);
    }

    @Test
    void noTunnelFailsAfterWait() throws Exception {
        long startNanos = System.nanoTime();
        ExecutionException failure = awaitFailure(opener(200).open(FLOW));
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);

        FlowOpenException cause = (FlowOpenException) failure.getCause();
        assertThat(cause.result()).isEqualTo(OpenResult.GOING_AWAY);
        assertThat(cause.getMessage()).contains("no tunnel to any client gateway of [gw]")
                .contains("within 200 ms");
        assertThat(waitedMillis).isGreaterThanOrEqualTo(200);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private FailoverFlowOpener opener(long openTimeoutMillis) {
        return new FailoverFlowOpener(group, current::get, () -> "[gw]", openTimeoutMillis);
    }

    private TunnelPair pair(TunnelListener app) throws Exception {
        TunnelPair pair = TunnelPair.start(group, app);
        pairs.add(pair);
        return pair;
    }

    private static void awaitOpens(AppEnd app, int count) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (app.opens.get() < count) {
            assertThat(System.nanoTime() - deadlineNanos).as("%d opens within 10 s", count)
                    .isNegative();
            Thread.onSpinWait();
        }
    }

    private static ExecutionException awaitFailure(Future<Stream> open) throws Exception {
        assertThat(open.await(10, TimeUnit.SECONDS)).as("open completed").isTrue();
        try {
            open.get();
        } catch (ExecutionException e) {
            return e;
        }
        throw new AssertionError("open succeeded: " + open.getNow());
    }

    /** The far end: counts opens, and accepts each or rejects it with {@code result}. */
    private static final class AppEnd implements TunnelListener {

        final AtomicInteger opens = new AtomicInteger();
        private final OpenResult result;

        AppEnd(OpenResult result) {
            this.result = result;
        }

        @Override
        public void onStreamOpened(Tunnel tunnel, Stream stream) {
            opens.incrementAndGet();
            if (result != null) {
                stream.reject(result, "test rejects the flow");
                return;
            }
            stream.accept(new StreamListener() {
                @Override
                public void onData(Stream s, ByteBuf data) {
                    data.release();
                }

                @Override
                public void onFin(Stream s) {
                }

                @Override
                public void onReset(Stream s, ErrorCode code, String reason) {
                }
            });
        }
    }
}
