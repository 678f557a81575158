package io.ztna.clientgateway.routing;

import java.util.List;

/**
 * The outcome of one publisher selection.
 *
 * @param link the publisher and the publisher-gateway tunnel to open the flow on
 * @param reason why that publisher was picked
 * @param candidates every publisher that was a candidate, with its round trip and load
 */
public record Selection(PublisherLink link, SelectionReason reason, List<Candidate> candidates) {

    public Selection {
        candidates = List.copyOf(candidates);
    }

    /**
     * One publisher that could serve the flow.
     *
     * @param link the publisher's best link: the lowest known round trip, or any usable link
     *     when none is known
     * @param rttMicros that link's total round trip in microseconds, or -1 when unknown
     * @param load flows the publisher reports plus this gateway's flows in flight to it
     * @param skipped whether recent failures to the flow's destination set it aside
     */
    public record Candidate(PublisherLink link, long rttMicros, int load, boolean skipped) {

        public String publisher() {
            return link.publisher();
        }

        /** Returns the log form, such as {@code pub-1(pg-1,rtt=1200us,load=3)}. */
        @Override
        public String toString() {
            return link.publisher() + "(" + link.gateway() + ",rtt="
                    + (rttMicros < 0 ? "unknown" : rttMicros + "us") + ",load=" + load
                    + (skipped ? ",skipped" : "") + ")";
        }
    }
}
