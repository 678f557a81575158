package io.ztna.proto.mux;

/**
 * Counters of one tunnel at one moment.
 *
 * @param streams open streams
 * @param sendWindow send credit the peer granted for the whole tunnel, in bytes
 * @param receiveWindow receive credit granted to the peer and not yet used, in bytes
 * @param unconsumedBytes bytes received on open streams and not yet written onwards
 * @param rttNanos smoothed PING round trip, or -1 before the first PING ACK
 */
public record TunnelStats(
        int streams, long sendWindow, long receiveWindow, long unconsumedBytes, long rttNanos) {
}
