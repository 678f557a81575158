package io.ztna.publisher;

import java.util.Locale;

/**
 * One configured publisher gateway as the publisher's status shows it.
 *
 * @param gateway the configured address
 * @param rttMicros TCP connect time at the last measurement, in microseconds, or -1 when that
 *     measurement failed or none ran yet
 * @param tunnelRttMicros keepalive ping RTT of the tunnel to it, in microseconds, or -1 without
 *     a tunnel or before the first ping came back
 * @param streams flows open on that tunnel
 * @param error why the last measurement failed, or null
 */
public record GatewayStatus(String gateway, State state, long rttMicros, long tunnelRttMicros,
        int streams, String error) {

    /** The publisher's use of a gateway now. */
    public enum State {
        /** Chosen, and the tunnel takes flows. */
        UP,
        /** Chosen, and the dialer is connecting or waiting to retry. */
        CONNECTING,
        /** No longer chosen, but its tunnel stays until the gateway that replaces it is up. */
        REPLACING,
        /** No longer chosen, and its tunnel finishes open flows after GOAWAY, then closes. */
        DRAINING,
        /** Not chosen, reachable at the last measurement. */
        STANDBY,
        /** Not chosen because its tunnel failed, and skipped until the next measurement. */
        FAILED,
        /** Not chosen, unreachable at the last measurement. */
        UNREACHABLE,
        /** Not chosen, and not measured yet. */
        UNMEASURED;

        /** Returns the lower-case name used in the admin status. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
