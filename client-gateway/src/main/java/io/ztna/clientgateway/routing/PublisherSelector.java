package io.ztna.clientgateway.routing;

import io.ztna.proto.frame.OpenResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/**
 * Picks the publisher, and the publisher-gateway tunnel to reach it, for each flow.
 *
 * <p>Candidates are the assigned publishers with a link that {@linkplain
 * PublisherLink#usableFor can serve the app}. Publishers set aside for the destination by
 * {@link DestinationSkips} drop out, unless that leaves none, in which case all candidates are
 * tried anyway. Among the rest, in order:
 * <ol>
 *   <li>the publisher chosen last for the same user and app, while that choice is sticky;
 *   <li>otherwise the lowest-latency group: publishers whose total round trip (client gateway
 *       to publisher gateway plus publisher gateway to publisher) is within 20 % or 2 ms of the
 *       best. A publisher whose round trip is not known yet is in the group too, so that one
 *       that just connected gets flows before its first measurement arrives;
 *   <li>within the group, the least loaded publisher: the flows it reports plus this gateway's
 *       flows in flight to it, with ties broken at random.
 * </ol>
 * A publisher reachable through several gateways is reached through the link with the lowest
 * known round trip, or a random usable link when none is known.
 *
 * <p>Thread-safe: every method holds the selector's lock, because flows are routed on many
 * event loops.
 */
public final class PublisherSelector {

    /** Default time a (user, app) choice lasts after its last use. */
    public static final Duration DEFAULT_STICKINESS = Duration.ofMinutes(10);
    static final int MAX_STICKY_ENTRIES = 100_000;
    static final int MAX_DESTINATION_ENTRIES = 100_000;
    /** Round trips this far above the best, in microseconds, are still in the group. */
    static final long GROUP_MARGIN_MICROS = 2_000;

    /** The default of the client gateway's {@code latencyTolerance}: the group margin. */
    public static final Duration DEFAULT_LATENCY_TOLERANCE =
            Duration.ofNanos(GROUP_MARGIN_MICROS * 1_000);
    /** Round trips this fraction above the best, as 1/n, are still in the group (1/5 = 20 %). */
    static final long GROUP_FRACTION_DIVISOR = 5;

    private final LongSupplier nanoClock;
    private final RandomGenerator random;
    private final long marginMicros;
    private final StickyChoices sticky;
    private final DestinationSkips skips;

    /** @param stickiness how long a (user, app) choice lasts after its last use; 0 for none */
    public PublisherSelector(Duration stickiness) {
        this(stickiness, DEFAULT_LATENCY_TOLERANCE);
    }

    /**
     * @param latencyTolerance publishers this close to the best round trip (or within 20 % of
     *     it) are in the lowest-latency group
     */
    public PublisherSelector(Duration stickiness, Duration latencyTolerance) {
        this(stickiness, System::nanoTime, new SplittableRandom(),
                latencyTolerance.toNanos() / 1_000);
    }

    /**
     * @param nanoClock monotonic clock in nanoseconds, such as {@link System#nanoTime}
     * @param random the source that breaks ties
     */
    PublisherSelector(Duration stickiness, LongSupplier nanoClock, RandomGenerator random) {
        this(stickiness, nanoClock, random, GROUP_MARGIN_MICROS);
    }

    PublisherSelector(Duration stickiness, LongSupplier nanoClock, RandomGenerator random,
            long marginMicros) {
        this.marginMicros = marginMicros;
        this.nanoClock = nanoClock;
        this.random = random;
        this.sticky = new StickyChoices(stickiness.toNanos(), MAX_STICKY_ENTRIES);
        this.skips = new DestinationSkips(MAX_DESTINATION_ENTRIES);
    }

    /**
     * Selects a publisher for a flow of {@code user} to {@code app} and remembers the choice
     * for stickiness.
     *
     * @param destination the flow's host:port, or null when the request has none (a DNS
     *     query), so that no publisher is skipped for it
     * @param links what is known of the app's assigned publishers, from
     *     {@link PublisherDirectory#links}
     * @param inFlight this gateway's flows in flight by publisher id
     * @return the selection, or null when no publisher is a candidate
     */
    public synchronized Selection select(String user, String app, String destination,
            List<PublisherLink> links, ToIntFunction<String> inFlight) {
        long now = nanoClock.getAsLong();
        List<Selection.Candidate> candidates = candidates(app, destination, links, inFlight, now);
        if (candidates.isEmpty()) {
            return null;
        }
        List<Selection.Candidate> pool = new ArrayList<>();
        for (Selection.Candidate candidate : candidates) {
            if (!candidate.skipped()) {
                pool.add(candidate);
            }
        }
        boolean allSkipped = pool.isEmpty();
        if (allSkipped) {
            pool = candidates;
        }

        Selection.Candidate chosen = null;
        SelectionReason reason;
        if (pool.size() == 1) {
            chosen = pool.get(0);
            reason = SelectionReason.ONLY_CANDIDATE;
        } else {
            String previous = sticky.get(user, app, now);
            for (Selection.Candidate candidate : pool) {
                if (candidate.publisher().equals(previous)) {
                    chosen = candidate;
                }
            }
            reason = SelectionReason.STICKY;
            if (chosen == null) {
                List<Selection.Candidate> group = lowestLatencyGroup(pool);
                chosen = leastLoaded(group);
                reason = group.size() == 1
                        ? SelectionReason.LOWEST_LATENCY : SelectionReason.LEAST_LOADED;
            }
        }
        if (allSkipped) {
            reason = SelectionReason.RETRY_SKIPPED;
        }
        sticky.put(user, app, chosen.publisher(), now);
        return new Selection(chosen.link(), reason, candidates);
    }

    /**
     * Counts the outcome of a stream open to {@code destination} through {@code publisher}:
     * CONNECTED clears its failures there, and APP_REFUSED, APP_UNREACHABLE and TIMED_OUT
     * count towards skipping it there. Other results change nothing.
     */
    public synchronized void recordResult(String publisher, String destination,
            OpenResult result) {
        skips.record(publisher, destination, result, nanoClock.getAsLong());
    }

    private List<Selection.Candidate> candidates(String app, String destination,
            List<PublisherLink> links, ToIntFunction<String> inFlight, long now) {
        Map<String, List<PublisherLink>> usable = new LinkedHashMap<>();
        for (PublisherLink link : links) {
            if (link.usableFor(app)) {
                usable.computeIfAbsent(link.publisher(), id -> new ArrayList<>()).add(link);
            }
        }
        List<Selection.Candidate> candidates = new ArrayList<>();
        for (Map.Entry<String, List<PublisherLink>> entry : usable.entrySet()) {
            String publisher = entry.getKey();
            PublisherLink best = bestLink(entry.getValue());
            int reported = 0;
            for (PublisherLink link : entry.getValue()) {
                reported = Math.max(reported, link.state().activeFlows());
            }
            int load = reported + inFlight.applyAsInt(publisher);
            candidates.add(new Selection.Candidate(best, best.totalRttMicros(), load,
                    skips.isSkipped(publisher, destination, now)));
        }
        return candidates;
    }

    private PublisherLink bestLink(List<PublisherLink> links) {
        PublisherLink best = null;
        for (PublisherLink link : links) {
            long rtt = link.totalRttMicros();
            if (rtt >= 0 && (best == null || rtt < best.totalRttMicros())) {
                best = link;
            }
        }
        return best != null ? best : links.get(random.nextInt(links.size()));
    }

    private List<Selection.Candidate> lowestLatencyGroup(List<Selection.Candidate> pool) {
        long best = -1;
        for (Selection.Candidate candidate : pool) {
            long rtt = candidate.rttMicros();
            if (rtt >= 0 && (best < 0 || rtt < best)) {
                best = rtt;
            }
        }
        if (best < 0) {
            return pool;
        }
        long limit = best + Math.max(best / GROUP_FRACTION_DIVISOR, marginMicros);
        List<Selection.Candidate> group = new ArrayList<>();
        for (Selection.Candidate candidate : pool) {
            if (candidate.rttMicros() < 0 || candidate.rttMicros() <= limit) {
                group.add(candidate);
            }
        }
        return group;
    }

    private Selection.Candidate leastLoaded(List<Selection.Candidate> group) {
        int fewest = Integer.MAX_VALUE;
        List<Selection.Candidate> tied = new ArrayList<>();
        for (Selection.Candidate candidate : group) {
            if (candidate.load() < fewest) {
                fewest = candidate.load();
                tied.clear();
            }
            if (candidate.load() == fewest) {
                tied.add(candidate);
            }
        }
        return tied.size() == 1 ? tied.get(0) : tied.get(random.nextInt(tied.size()));
    }
}
