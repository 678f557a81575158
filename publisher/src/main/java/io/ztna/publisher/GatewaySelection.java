package io.ztna.publisher;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses the publisher gateways to keep tunnels to: the {@code count} reachable ones with the
 * lowest measured RTT. A kept gateway is replaced only by one that is clearly closer, at least
 * 20 % and at least 1 ms lower, so that RTT jitter between measurements never moves tunnels.
 */
final class GatewaySelection {

    /** Share of the kept gateway's RTT by which a challenger must be lower, in percent. */
    static final long MIN_IMPROVEMENT_PERCENT = 20;
    /** Time by which a challenger's RTT must be lower than the kept gateway's. */
    static final long MIN_IMPROVEMENT_NANOS = 1_000_000;

    private static final Comparator<Candidate> BY_RTT =
            Comparator.comparingLong(Candidate::rttNanos);

    private GatewaySelection() {
    }

    /**
     * A configured gateway with the values the selection compares.
     *
     * @param rttNanos the measured RTT in nanoseconds, or -1 when the gateway is unreachable
     * @param kept whether the publisher keeps a tunnel to it now
     * @param excluded whether it failed since the last measurement, so that only an otherwise
     *     empty slot may take it
     */
    record Candidate(InetSocketAddress address, long rttNanos, boolean kept, boolean excluded) {

        boolean eligible() {
            return rttNanos >= 0 && !excluded;
        }
    }

    /**
     * Returns the gateways to keep, at most {@code count}: kept gateways that are still
     * eligible, free slots filled with the closest other eligible ones, then kept gateways
     * replaced one by one while a challenger is {@linkplain #clearlyCloser clearly closer}.
     * When fewer than {@code count} are eligible, the rest of the slots go to ineligible
     * gateways, kept ones first, then in config order, so that their dialers keep retrying.
     *
     * @param candidates every configured gateway, in config order; ties in RTT keep that order
     */
    static List<InetSocketAddress> choose(List<Candidate> candidates, int count) {
        List<Candidate> chosen = new ArrayList<>();
        List<Candidate> challengers = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (candidate.eligible() && candidate.kept()) {
                chosen.add(candidate);
            } else if (candidate.eligible()) {
                challengers.add(candidate);
            }
        }

        chosen.sort(BY_RTT);
        challengers.sort(BY_RTT);
        while (chosen.size() > count) {
            challengers.add(chosen.remove(chosen.size() - 1));
        }
        challengers.sort(BY_RTT);
        while (chosen.size() < count && !challengers.isEmpty()) {
            chosen.add(challengers.remove(0));
        }

        // Each swap puts a clearly closer gateway in place of the farthest one, so at most
        // count swaps can happen before no challenger beats the farthest kept gateway.
        for (int swaps = 0; swaps < count && !challengers.isEmpty(); swaps++) {
            chosen.sort(BY_RTT);
            Candidate farthest = chosen.get(chosen.size() - 1);
            Candidate closest = challengers.get(0);
            if (!clearlyCloser(closest.rttNanos(), farthest.rttNanos())) {
                break;
            }
            chosen.set(chosen.size() - 1, closest);
            challengers.set(0, farthest);
            challengers.sort(BY_RTT);
        }

        chosen.sort(BY_RTT);
        List<InetSocketAddress> result = new ArrayList<>();
        chosen.forEach(candidate -> result.add(candidate.address()));
        fillWithIneligible(candidates, count, result);
        return result;
    }

    /**
     * Returns whether a challenger with RTT {@code challengerNanos} should replace a kept
     * gateway with RTT {@code keptNanos}: lower by at least 20 % and by at least 1 ms.
     */
    static boolean clearlyCloser(long challengerNanos, long keptNanos) {
        long gain = keptNanos - challengerNanos;
        return gain >= MIN_IMPROVEMENT_NANOS && gain * 100 >= keptNanos * MIN_IMPROVEMENT_PERCENT;
    }

    private static void fillWithIneligible(List<Candidate> candidates, int count,
            List<InetSocketAddress> result) {
        List<Candidate> rest = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (!candidate.eligible()) {
                rest.add(candidate);
            }
        }
        rest.sort(Comparator.comparing((Candidate candidate) -> !candidate.kept())
                .thenComparing(Candidate::excluded));
        for (Candidate candidate : rest) {
            if (result.size() >= count) {
                return;
            }
            result.add(candidate.address());
        }
    }
}
