package io.ztna.clientgateway.routing;

/** The reason {@link PublisherSelector} picked a publisher, logged as {@link #toString()}. */
public enum SelectionReason {
    /** The publisher chosen before for the same user and app is still a candidate. */
    STICKY("sticky"),
    /** The publisher's round trip is clearly the lowest among the candidates. */
    LOWEST_LATENCY("lowest-latency"),
    /** Several publishers had about the lowest round trip, and this one had the fewest flows. */
    LEAST_LOADED("least-loaded"),
    /** No other publisher was a candidate. */
    ONLY_CANDIDATE("only-candidate"),
    /** Every candidate was skipped for recent failures to the destination, so one is tried. */
    RETRY_SKIPPED("retry-skipped");

    private final String label;

    SelectionReason(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
