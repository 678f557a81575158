package io.ztna.agent.gateway;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The configured client gateways, in config order, with the connect time measured last to
 * each. Gateways are named by their index, so that an address listed twice stays two entries.
 * Measurements may be recorded on one thread and read on any.
 */
final class GatewayList {

    /** Connect time of a gateway not measured yet. */
    static final long UNMEASURED = -1;
    /** Connect time of a gateway whose last measurement failed. */
    static final long UNREACHABLE = -2;

    private final List<InetSocketAddress> addresses;
    private final AtomicLongArray rttNanos;

    GatewayList(List<InetSocketAddress> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no client gateway (expected: at least one)");
        }
        this.addresses = List.copyOf(addresses);
        this.rttNanos = new AtomicLongArray(addresses.size());
        for (int i = 0; i < addresses.size(); i++) {
            rttNanos.set(i, UNMEASURED);
        }
    }

    int size() {
        return addresses.size();
    }

    InetSocketAddress address(int index) {
        return addresses.get(index);
    }

    /**
     * Returns the connect time measured last to the gateway, in nanoseconds, or
     * {@link #UNMEASURED} or {@link #UNREACHABLE}.
     */
    long rttNanos(int index) {
        return rttNanos.get(index);
    }

    /**
     * Stores a measured connect time, {@link #UNREACHABLE} for a failed measurement, or
     * {@link #UNMEASURED} to forget one.
     */
    void record(int index, long nanos) {
        rttNanos.set(index, nanos);
    }

    /**
     * Returns the indexes of all gateways in the order to try them: reachable ones by measured
     * connect time, then unmeasured ones, then unreachable ones, each in config order among
     * equals.
     */
    List<Integer> order() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> rank(rttNanos.get(i)))
                .thenComparingLong(i -> Math.max(0, rttNanos.get(i)))
                .thenComparingInt(i -> i));
        return order;
    }

    private static int rank(long rtt) {
        if (rtt >= 0) {
            return 0;
        }
        return rtt == UNMEASURED ? 1 : 2;
    }
}
