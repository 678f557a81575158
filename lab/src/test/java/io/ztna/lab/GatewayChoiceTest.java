package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.publisher.GatewayRttProbe;
import io.ztna.publisher.GatewayStatus;
import io.ztna.publisher.GatewayStatus.State;
import io.ztna.publisher.Publisher;
import io.ztna.publisher.PublisherConfig;
import io.ztna.publishergateway.PublisherGateway;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publisher with three publisher gateways and {@code gatewayCount: 2} keeps tunnels to the
 * two with the lowest RTT, moves a tunnel only to a clearly closer gateway, and replaces a
 * gateway that goes away or goes silent with the third. The RTTs are injected, so the choice
 * is exact. The closest gateway is reached through a proxy that can drop all traffic.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayChoiceTest {

    private static final long MS = 1_000_000;

    @TempDir
    Path dir;

    private final Map<InetSocketAddress, Long> rtts = new ConcurrentHashMap<>();
    private final GatewayRttProbe probe = gateway -> {
        Long nanos = rtts.get(gateway);
        return nanos == null
                ? CompletableFuture.failedFuture(new ConnectException("unreachable in this test"))
                : CompletableFuture.completedFuture(nanos);
    };
    private PublisherGatewaysLab lab;
    private BlackholeProxy pathToA;
    private Publisher publisher;
    private PublisherGateway a;
    private PublisherGateway b;
    private PublisherGateway c;

    @BeforeEach
    void start() throws Exception {
        lab = new PublisherGatewaysLab(dir, 3);
        a = lab.gateways.get(0);
        b = lab.gateways.get(1);
        c = lab.gateways.get(2);
        pathToA = new BlackholeProxy(lab.address(0));
        rtts.put(pathToA.address(), 1 * MS);
        rtts.put(lab.address(1), 5 * MS);
        rtts.put(lab.address(2), 20 * MS);
        Path config = lab.publisherConfig(
                List.of(pathToA.address(), lab.address(1), lab.address(2)), "gatewayCount: 2\n");
        publisher = new Publisher(PublisherConfig.load(config), probe).start();
        InProcessLab.await(() -> hasPublisher(a) && hasPublisher(b)
                && states().equals(List.of(State.UP, State.UP, State.STANDBY)),
                "publisher connected to the two closest gateways");
    }

    @AfterEach
    void stop() {
        if (publisher != null) {
            publisher.close();
        }
        if (lab != null) {
            lab.close();
        }
        if (pathToA != null) {
            pathToA.close();
        }
    }

    @Test
    void keepsTunnelsToTwoClosest() {
        assertThat(hasPublisher(c)).isFalse();
        assertThat(states()).containsExactly(State.UP, State.UP, State.STANDBY);
        List<GatewayStatus> status = publisher.gatewayStatus();
        assertThat(status.get(0).rttMicros()).isEqualTo(1_000);
        assertThat(status.get(1).rttMicros()).isEqualTo(5_000);
        assertThat(status.get(2).rttMicros()).isEqualTo(20_000);
    }

    @Test
    void switchesOnlyPastHysteresis() throws Exception {
        // 0.8 ms and 16 % below the farther kept gateway: within the hysteresis.
        rtts.put(lab.address(2), 4_200_000L);
        publisher.reevaluateGateways().get(10, TimeUnit.SECONDS);

        assertThat(states()).containsExactly(State.UP, State.UP, State.STANDBY);
        assertThat(hasPublisher(c)).isFalse();

        // 1.5 ms and 30 % below: clearly closer, so the tunnel moves from b to c.
        rtts.put(lab.address(2), 3_500_000L);
        publisher.reevaluateGateways().get(10, TimeUnit.SECONDS);
        InProcessLab.await(() -> hasPublisher(c) && !hasPublisher(b),
                "tunnel moved from the farther gateway to the closer one");

        assertThat(hasPublisher(a)).isTrue();
        InProcessLab.await(() -> states().equals(List.of(State.UP, State.STANDBY, State.UP)),
                "old tunnel drained");
        assertThat(publisher.gatewayStatus().get(1).streams()).isEqualTo(0);
    }

    @Test
    void lostGatewayReplacedByThird() throws Exception {
        long startNanos = System.nanoTime();
        a.close();
        awaitWithin(() -> hasPublisher(c), startNanos, 5_000);

        assertThat(hasPublisher(b)).isTrue();
        InProcessLab.await(() -> states().equals(List.of(State.FAILED, State.UP, State.UP)),
                "publisher sees the third gateway up");
    }

    @Test
    void deadGatewayReplacedAfterKeepaliveTimeout() throws Exception {
        long startNanos = System.nanoTime();
        pathToA.blackhole();
        // The tunnel is declared dead after 3 s of silence, checked at each 1 s ping.
        awaitWithin(() -> hasPublisher(c), startNanos, 5_000);

        assertThat(hasPublisher(b)).isTrue();
        InProcessLab.await(() -> states().equals(List.of(State.FAILED, State.UP, State.UP)),
                "publisher sees the third gateway up");
    }

    private boolean hasPublisher(PublisherGateway gateway) {
        return gateway.connectedPublishers().contains("pub-1");
    }

    private List<State> states() {
        return publisher.gatewayStatus().stream().map(GatewayStatus::state).toList();
    }

    /**
     * Waits for a condition, polling every 10 ms, and fails when it is not met within
     * {@code timeoutMillis} of {@code startNanos}.
     */
    private static void awaitWithin(BooleanSupplier condition, long startNanos,
            long timeoutMillis) throws InterruptedException {
        long deadline = startNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeoutMillis + " ms");
            }
            Thread.sleep(10);
        }
    }
}
