package io.ztna.proto.control;

/**
 * Sent by a client gateway to an agent: prove possession of the device key and report fresh
 * posture before {@code deadlineMillis}, or the tunnel is closed.
 *
 * @param nonce 32 random bytes, base64; the agent signs {@code ReauthProof.signedBytes(nonce)}
 * @param deadlineMillis end of the grace period, milliseconds since the epoch, for display
 */
public record ReauthChallengeMessage(String nonce, long deadlineMillis) implements ControlMessage {
}
