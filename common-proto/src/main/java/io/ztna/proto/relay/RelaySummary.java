package io.ztna.proto.relay;

/**
 * The end of a relayed flow: bytes each way and the outcome.
 *
 * @param bytesUp bytes sent from the client side towards the app
 * @param bytesDown bytes sent from the app side towards the client
 * @param outcome "closed" for a flow both sides finished, otherwise what reset it
 */
public record RelaySummary(long bytesUp, long bytesDown, String outcome) {
}
