package io.ztna.clientgateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.control.PresenceMessage;
import io.ztna.proto.frame.OpenResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Selection over tables of candidates, with a clock the test moves. */
class PublisherSelectorTest {

    private static final String APP = "intranet";
    private static final String DESTINATION = "intranet.corp.internal:443";
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final Map<String, Integer> inFlight = new HashMap<>();
    private PublisherSelector selector = selector(Duration.ofMinutes(10));

    private PublisherSelector selector(Duration stickiness) {
        return new PublisherSelector(stickiness, clock::get, new SplittableRandom(7));
    }

    /** Returns a usable link whose round trips are in microseconds, -1 for unknown. */
    private static PublisherLink link(String publisher, String gateway, long gatewayRttMicros,
            long publisherRttMicros, int activeFlows) {
        return new PublisherLink(publisher, gateway, null, true,
                gatewayRttMicros < 0 ? -1 : gatewayRttMicros * 1_000,
                new PresenceMessage.PublisherState(publisher, true, activeFlows,
                        publisherRttMicros, Map.of()));
    }

    private static PublisherLink withApps(PublisherLink link, Map<String, Boolean> apps) {
        PresenceMessage.PublisherState state = link.state();
        return new PublisherLink(link.publisher(), link.gateway(), null, true,
                link.gatewayRttNanos(), new PresenceMessage.PublisherState(state.id(),
                        state.connected(), state.activeFlows(), state.rttMicros(), apps));
    }

    private Selection select(String user, List<PublisherLink> links) {
        return selector.select(user, APP, DESTINATION, links,
                publisher -> inFlight.getOrDefault(publisher, 0));
    }

    private void fail(String publisher, int times) {
        for (int i = 0; i < times; i++) {
            selector.recordResult(publisher, DESTINATION, OpenResult.APP_UNREACHABLE);
        }
    }

    @Test
    void stickyChoiceReused() {
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", -1, -1, 0),
                link("pub-2", "pg-1", -1, -1, 0));
        Selection first = select("alice", links);
        assertThat(first.reason()).isEqualTo(SelectionReason.LEAST_LOADED);
        String chosen = first.link().publisher();

        // The other publisher is now clearly less loaded, yet alice stays.
        inFlight.put(chosen, 50);
        for (int i = 0; i < 20; i++) {
            clock.addAndGet(SECOND);
            Selection next = select("alice", links);
            assertThat(next.link().publisher()).as("flow %d", i).isEqualTo(chosen);
            assertThat(next.reason()).as("flow %d", i).isEqualTo(SelectionReason.STICKY);
        }
        Selection bob = select("bob", links);
        assertThat(bob.link().publisher()).isNotEqualTo(chosen);
        assertThat(bob.reason()).isEqualTo(SelectionReason.LEAST_LOADED);
    }

    @Test
    void stickyChoiceExpiresAfterIdlePeriod() {
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", -1, -1, 0),
                link("pub-2", "pg-1", -1, -1, 3));
        assertThat(select("alice", links).link().publisher()).isEqualTo("pub-1");
        inFlight.put("pub-1", 10);

        // Each use restarts the ten minutes.
        clock.addAndGet(Duration.ofMinutes(9).toNanos());
        assertThat(select("alice", links).reason()).isEqualTo(SelectionReason.STICKY);
        clock.addAndGet(Duration.ofMinutes(10).toNanos() - 1);
        Selection stillSticky = select("alice", links);
        assertThat(stillSticky.link().publisher()).isEqualTo("pub-1");
        assertThat(stillSticky.reason()).isEqualTo(SelectionReason.STICKY);

        clock.addAndGet(Duration.ofMinutes(10).toNanos());
        Selection expired = select("alice", links);
        assertThat(expired.link().publisher()).isEqualTo("pub-2");
        assertThat(expired.reason()).isEqualTo(SelectionReason.LEAST_LOADED);
    }

    @Test
    void zeroStickinessKeepsNoChoice() {
        selector = selector(Duration.ZERO);
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", -1, -1, 0),
                link("pub-2", "pg-1", -1, -1, 1));
        assertThat(select("alice", links).link().publisher()).isEqualTo("pub-1");
        inFlight.put("pub-1", 5);
        Selection next = select("alice", links);
        assertThat(next.link().publisher()).isEqualTo("pub-2");
        assertThat(next.reason()).isEqualTo(SelectionReason.LEAST_LOADED);
    }

    /**
     * One row: round trips of pub-1 and pub-2 (client gateway to publisher gateway, publisher
     * gateway to publisher, in microseconds, -1 for unknown) and their reported flows.
     */
    private record LatencyRow(String name, long gateway1, long publisher1, int flows1,
            long gateway2, long publisher2, int flows2, String expected,
            SelectionReason reason) {
    }

    @Test
    void lowestLatencyGroupThenLeastLoaded() {
        List<LatencyRow> rows = List.of(
                new LatencyRow("far second", 500, 500, 9, 2_500, 2_500, 0,
                        "pub-1", SelectionReason.LOWEST_LATENCY),
                new LatencyRow("within 20 percent", 10_000, 10_000, 9, 10_000, 13_900, 0,
                        "pub-2", SelectionReason.LEAST_LOADED),
                new LatencyRow("exactly 20 percent", 10_000, 10_000, 9, 10_000, 14_000, 0,
                        "pub-2", SelectionReason.LEAST_LOADED),
                new LatencyRow("beyond 20 percent", 10_000, 10_000, 9, 10_000, 14_100, 0,
                        "pub-1", SelectionReason.LOWEST_LATENCY),
                new LatencyRow("within 2 ms", 400, 600, 9, 1_000, 1_900, 0,
                        "pub-2", SelectionReason.LEAST_LOADED),
                new LatencyRow("beyond 2 ms", 400, 600, 9, 1_000, 2_100, 0,
                        "pub-1", SelectionReason.LOWEST_LATENCY),
                new LatencyRow("second unknown joins the group", 400, 600, 9, 400, -1, 0,
                        "pub-2", SelectionReason.LEAST_LOADED),
                new LatencyRow("first unknown joins the group", -1, 600, 0, 400, 30_000, 9,
                        "pub-1", SelectionReason.LEAST_LOADED),
                new LatencyRow("nothing known", -1, -1, 9, -1, -1, 0,
                        "pub-2", SelectionReason.LEAST_LOADED),
                new LatencyRow("nothing known, first less loaded", 300, -1, 1, -1, -1, 2,
                        "pub-1", SelectionReason.LEAST_LOADED));
        for (LatencyRow row : rows) {
            selector = selector(Duration.ofMinutes(10));
            Selection selection = select("alice", List.of(
                    link("pub-1", "pg-1", row.gateway1(), row.publisher1(), row.flows1()),
                    link("pub-2", "pg-1", row.gateway2(), row.publisher2(), row.flows2())));
            assertThat(selection.link().publisher()).as(row.name()).isEqualTo(row.expected());
            assertThat(selection.reason()).as(row.name()).isEqualTo(row.reason());
        }
    }

    @Test
    void loadCountsReportedAndInFlightFlows() {
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", -1, -1, 5),
                link("pub-2", "pg-1", -1, -1, 2));
        inFlight.put("pub-2", 4);
        Selection selection = select("alice", links);
        assertThat(selection.link().publisher()).isEqualTo("pub-1");
        assertThat(selection.reason()).isEqualTo(SelectionReason.LEAST_LOADED);
        assertThat(selection.candidates()).hasSize(2);
        assertThat(selection.candidates().get(0).load()).isEqualTo(5);
        assertThat(selection.candidates().get(1).load()).isEqualTo(6);
    }

    @Test
    void reportedLoadIsTheHighestOverGateways() {
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", -1, -1, 1),
                link("pub-1", "pg-2", -1, -1, 7), link("pub-2", "pg-1", -1, -1, 6));
        Selection selection = select("alice", links);
        assertThat(selection.link().publisher()).isEqualTo("pub-2");
        assertThat(selection.candidates().get(0).load()).isEqualTo(7);
    }

    @Test
    void tiesBrokenAtRandom() {
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", 1_000, 1_000, 3),
                link("pub-2", "pg-1", 1_000, 1_000, 3), link("pub-3", "pg-1", 1_000, 1_000, 4));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            Selection selection = select("user-" + i, links);
            assertThat(selection.reason()).isEqualTo(SelectionReason.LEAST_LOADED);
            counts.merge(selection.link().publisher(), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrder("pub-1", "pub-2");
        assertThat(counts.get("pub-1")).isBetween(60, 140);
    }

    @Test
    void lowestRttLinkOfPublisherChosen() {
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", 4_000, 1_000, 0),
                link("pub-1", "pg-2", 1_500, 1_000, 0), link("pub-1", "pg-3", -1, 10, 0));
        Selection selection = select("alice", links);
        assertThat(selection.link().gateway()).isEqualTo("pg-2");
        assertThat(selection.reason()).isEqualTo(SelectionReason.ONLY_CANDIDATE);
        assertThat(selection.candidates().get(0).rttMicros()).isEqualTo(2_500);
    }

    @Test
    void unknownRttLinksPickedAtRandom() {
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", -1, -1, 0),
                link("pub-1", "pg-2", -1, -1, 0));
        Set<String> gateways = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            gateways.add(select("alice", links).link().gateway());
        }
        assertThat(gateways).containsExactlyInAnyOrder("pg-1", "pg-2");
    }

    @Test
    void unreachableAppExcluded() {
        PublisherLink down = withApps(link("pub-1", "pg-1", 100, 100, 0),
                Map.of(APP, false, "wiki", true));
        PublisherLink up = withApps(link("pub-2", "pg-1", 9_000, 9_000, 50),
                Map.of(APP, true));
        Selection selection = select("alice", List.of(down, up));
        assertThat(selection.link().publisher()).isEqualTo("pub-2");
        assertThat(selection.reason()).isEqualTo(SelectionReason.ONLY_CANDIDATE);
        assertThat(selection.candidates()).hasSize(1);

        // An app the publisher does not probe counts as reachable.
        Selection other = selector.select("alice", "ssh", "ssh.corp.internal:22",
                List.of(down, up), publisher -> 0);
        assertThat(other.link().publisher()).isEqualTo("pub-1");
        assertThat(other.reason()).isEqualTo(SelectionReason.LOWEST_LATENCY);

        assertThat(select("alice", List.of(down))).isNull();
    }

    @Test
    void unreachableThroughOneGatewayOnly() {
        PublisherLink viaFirst = withApps(link("pub-1", "pg-1", 100, 100, 0), Map.of(APP, false));
        PublisherLink viaSecond = link("pub-1", "pg-2", 5_000, 100, 0);
        Selection selection = select("alice", List.of(viaFirst, viaSecond));
        assertThat(selection.link().gateway()).isEqualTo("pg-2");
    }

    @Test
    void disconnectedOrDrainingLinksExcluded() {
        PublisherLink disconnected = new PublisherLink("pub-1", "pg-1", null, true, 1_000,
                new PresenceMessage.PublisherState("pub-1", false));
        PublisherLink draining = new PublisherLink("pub-2", "pg-1", null, false, 1_000,
                new PresenceMessage.PublisherState("pub-2", true));
        assertThat(select("alice", List.of(disconnected, draining))).isNull();

        Selection selection = select("alice", List.of(disconnected, draining,
                link("pub-3", "pg-2", -1, -1, 90)));
        assertThat(selection.link().publisher()).isEqualTo("pub-3");
        assertThat(selection.reason()).isEqualTo(SelectionReason.ONLY_CANDIDATE);
    }

    @Test
    void stickyPublisherGoneFallsBack() {
        List<PublisherLink> both = List.of(link("pub-1", "pg-1", -1, -1, 0),
                link("pub-2", "pg-1", -1, -1, 1));
        assertThat(select("alice", both).link().publisher()).isEqualTo("pub-1");
        Selection fallback = select("alice", List.of(link("pub-2", "pg-1", -1, -1, 1)));
        assertThat(fallback.link().publisher()).isEqualTo("pub-2");
        assertThat(fallback.reason()).isEqualTo(SelectionReason.ONLY_CANDIDATE);

        // The fallback became the sticky choice.
        Selection next = select("alice", both);
        assertThat(next.link().publisher()).isEqualTo("pub-2");
        assertThat(next.reason()).isEqualTo(SelectionReason.STICKY);
    }

    @Test
    void failingPublisherSkippedWithGrowingPeriod() {
        selector = selector(Duration.ZERO);
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", -1, -1, 0),
                link("pub-2", "pg-1", -1, -1, 9));

        fail("pub-1", 2);
        assertThat(select("alice", links).link().publisher()).isEqualTo("pub-1");
        fail("pub-1", 1);
        Selection skipping = select("alice", links);
        assertThat(skipping.link().publisher()).isEqualTo("pub-2");
        assertThat(skipping.reason()).isEqualTo(SelectionReason.ONLY_CANDIDATE);
        assertThat(skipping.candidates().get(0).skipped()).isTrue();
        assertThat(skipping.candidates().get(1).skipped()).isFalse();

        // Skipping is per destination.
        Selection elsewhere = selector.select("alice", APP, "wiki.corp.internal:443", links,
                publisher -> 0);
        assertThat(elsewhere.link().publisher()).isEqualTo("pub-1");

        long[] expectedSeconds = {1, 2, 4, 8, 16, 32, 60, 60};
        for (long seconds : expectedSeconds) {
            long start = clock.get();
            clock.set(start + seconds * SECOND - 1);
            assertThat(select("alice", links).link().publisher())
                    .as("%d s period, last nanosecond", seconds).isEqualTo("pub-2");
            clock.set(start + seconds * SECOND);
            assertThat(select("alice", links).link().publisher())
                    .as("%d s period, over", seconds).isEqualTo("pub-1");
            fail("pub-1", 1);
        }
    }

    @Test
    void failuresDuringSkipDoNotLengthenIt() {
        selector = selector(Duration.ZERO);
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", -1, -1, 0),
                link("pub-2", "pg-1", -1, -1, 9));
        fail("pub-1", 10);
        clock.addAndGet(SECOND);
        assertThat(select("alice", links).link().publisher()).isEqualTo("pub-1");
        fail("pub-1", 1);
        clock.addAndGet(2 * SECOND);
        assertThat(select("alice", links).link().publisher()).isEqualTo("pub-1");
    }

    @Test
    void successResetsFailures() {
        selector = selector(Duration.ZERO);
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", -1, -1, 0),
                link("pub-2", "pg-1", -1, -1, 9));
        fail("pub-1", 3);
        clock.addAndGet(SECOND);
        fail("pub-1", 1);
        clock.addAndGet(2 * SECOND);
        selector.recordResult("pub-1", DESTINATION, OpenResult.CONNECTED);

        fail("pub-1", 2);
        assertThat(select("alice", links).link().publisher()).isEqualTo("pub-1");
        fail("pub-1", 1);
        assertThat(select("alice", links).link().publisher()).isEqualTo("pub-2");
        clock.addAndGet(SECOND);
        assertThat(select("alice", links).link().publisher()).isEqualTo("pub-1");
    }

    @Test
    void otherResultsNeitherCountNorReset() {
        selector = selector(Duration.ZERO);
        List<PublisherLink> links = List.of(link("pub-1", "pg-1", -1, -1, 0),
                link("pub-2", "pg-1", -1, -1, 9));
        for (OpenResult result : List.of(OpenResult.DNS_FAILURE, OpenResult.GOING_AWAY,
                OpenResult.NO_PUBLISHER, OpenResult.DENIED_BY_POLICY, OpenResult.INTERNAL_ERROR)) {
            selector.recordResult("pub-1", DESTINATION, result);
        }
        assertThat(select("alice", links).link().publisher()).isEqualTo("pub-1");

        selector.recordResult("pub-1", DESTINATION, OpenResult.APP_REFUSED);
        selector.recordResult("pub-1", DESTINATION, OpenResult.DNS_FAILURE);
        selector.recordResult("pub-1", DESTINATION, OpenResult.TIMED_OUT);
        selector.recordResult("pub-1", DESTINATION, OpenResult.APP_UNREACHABLE);
        assertThat(select("alice", links).link().publisher()).isEqualTo("pub-2");
    }

    @Test
    void allSkippedStillTried() {
        selector = selector(Duration.ZERO);
        fail("pub-1", 3);
        Selection only = select("alice", List.of(link("pub-1", "pg-1", -1, -1, 0)));
        assertThat(only.link().publisher()).isEqualTo("pub-1");
        assertThat(only.reason()).isEqualTo(SelectionReason.RETRY_SKIPPED);

        fail("pub-2", 3);
        Selection both = select("alice", List.of(link("pub-1", "pg-1", -1, -1, 4),
                link("pub-2", "pg-1", -1, -1, 1)));
        assertThat(both.link().publisher()).isEqualTo("pub-2");
        assertThat(both.reason()).isEqualTo(SelectionReason.RETRY_SKIPPED);
    }

    @Test
    void dnsQueriesSkipNothing() {
        fail("pub-1", 3);
        Selection selection = selector.select("alice", APP, null,
                List.of(link("pub-1", "pg-1", -1, -1, 0), link("pub-2", "pg-1", -1, -1, 9)),
                publisher -> 0);
        assertThat(selection.link().publisher()).isEqualTo("pub-1");
        assertThat(selection.reason()).isEqualTo(SelectionReason.LEAST_LOADED);
    }

    @Test
    void candidatesLogForm() {
        Selection selection = select("alice", List.of(link("pub-1", "pg-1", 1_200, 300, 2),
                link("pub-2", "pg-2", -1, -1, 0)));
        assertThat(selection.candidates().toString())
                .isEqualTo("[pub-1(pg-1,rtt=1500us,load=2), pub-2(pg-2,rtt=unknown,load=0)]");
    }

    @Test
    void noCandidatesReturnsNull() {
        assertThat(select("alice", List.of())).isNull();
    }
}
