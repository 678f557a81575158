package io.ztna.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.publisher.GatewaySelection.Candidate;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewaySelectionTest {

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 4001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 4002);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.1", 4003);
    private static final long MS = 1_000_000;

    @Test
    void firstChoiceTakesTwoLowest() {
        List<InetSocketAddress> chosen = GatewaySelection.choose(List.of(
                new Candidate(A, 10 * MS, false, false),
                new Candidate(B, 2 * MS, false, false),
                new Candidate(C, 5 * MS, false, false)), 2);

        assertThat(chosen).containsExactly(B, C);
    }

    @Test
    void equalRttKeepsConfigOrder() {
        List<InetSocketAddress> chosen = GatewaySelection.choose(List.of(
                new Candidate(A, 3 * MS, false, false),
                new Candidate(B, 3 * MS, false, false),
                new Candidate(C, 3 * MS, false, false)), 2);

        assertThat(chosen).containsExactly(A, B);
    }

    @Test
    void challengerWithinRatioDoesNotSwitch() {
        // C is 1.5 ms lower than B, which is only 15 % of B's 10 ms.
        List<InetSocketAddress> chosen = GatewaySelection.choose(List.of(
                new Candidate(A, 1 * MS, true, false),
                new Candidate(B, 10 * MS, true, false),
                new Candidate(C, 8_500_000, false, false)), 2);

        assertThat(chosen).containsExactly(A, B);
    }

    @Test
    void challengerWithinOneMillisecondDoesNotSwitch() {
        // C is 40 % lower than B but only 0.8 ms.
        List<InetSocketAddress> chosen = GatewaySelection.choose(List.of(
                new Candidate(A, 1 * MS, true, false),
                new Candidate(B, 2 * MS, true, false),
                new Candidate(C, 1_200_000, false, false)), 2);

        assertThat(chosen).containsExactly(A, B);
    }

    @Test
    void clearlyCloserChallengerSwitches() {
        // C is 3 ms and 30 % lower than B.
        List<InetSocketAddress> chosen = GatewaySelection.choose(List.of(
                new Candidate(A, 1 * MS, true, false),
                new Candidate(B, 10 * MS, true, false),
                new Candidate(C, 7 * MS, false, false)), 2);

        assertThat(chosen).containsExactly(A, C);
    }

    @Test
    void hysteresisBoundaryIsInclusive() {
        assertThat(GatewaySelection.clearlyCloser(8 * MS, 10 * MS)).isTrue();
        assertThat(GatewaySelection.clearlyCloser(8 * MS + 1, 10 * MS)).isFalse();
        assertThat(GatewaySelection.clearlyCloser(1 * MS, 2 * MS)).isTrue();
        assertThat(GatewaySelection.clearlyCloser(1 * MS + 1, 2 * MS)).isFalse();
    }

    @Test
    void unreachableKeptGatewayReplaced() {
        List<InetSocketAddress> chosen = GatewaySelection.choose(List.of(
                new Candidate(A, -1, true, false),
                new Candidate(B, 2 * MS, true, false),
                new Candidate(C, 30 * MS, false, false)), 2);

        assertThat(chosen).containsExactly(B, C);
    }

    @Test
    void excludedGatewayReplacedBySpare() {
        List<InetSocketAddress> chosen = GatewaySelection.choose(List.of(
                new Candidate(A, 1 * MS, true, true),
                new Candidate(B, 2 * MS, true, false),
                new Candidate(C, 30 * MS, false, false)), 2);

        assertThat(chosen).containsExactly(B, C);
    }

    @Test
    void tooFewReachableKeepsDialingKeptOnes() {
        List<InetSocketAddress> chosen = GatewaySelection.choose(List.of(
                new Candidate(A, -1, false, false),
                new Candidate(B, 2 * MS, true, false),
                new Candidate(C, -1, true, false)), 2);

        assertThat(chosen).containsExactly(B, C);
    }

    @Test
    void noneReachableDialsInConfigOrder() {
        List<InetSocketAddress> chosen = GatewaySelection.choose(List.of(
                new Candidate(A, -1, false, true),
                new Candidate(B, -1, false, false),
                new Candidate(C, -1, false, false)), 2);

        assertThat(chosen).containsExactly(B, C);
    }

    @Test
    void swapsBothWhenBothAreFar() {
        List<InetSocketAddress> chosen = GatewaySelection.choose(List.of(
                new Candidate(A, 50 * MS, true, false),
                new Candidate(B, 40 * MS, true, false),
                new Candidate(C, 5 * MS, false, false),
                new Candidate(new InetSocketAddress("127.0.0.1", 4004), 6 * MS, false, false)),
                2);

        assertThat(chosen).containsExactly(C, new InetSocketAddress("127.0.0.1", 4004));
    }
}
