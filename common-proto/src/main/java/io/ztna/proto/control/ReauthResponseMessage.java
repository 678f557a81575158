package io.ztna.proto.control;

import io.ztna.proto.posture.DevicePosture;

/**
 * An agent's answer to a {@link ReauthChallengeMessage}.
 *
 * @param nonce the challenge's nonce, repeated
 * @param signature base64 signature over {@code ReauthProof.signedBytes(nonce)} with the private
 *     key of the agent's certificate (SHA256withECDSA for EC keys, SHA256withRSA for RSA keys)
 * @param posture the device's posture collected for this answer
 */
public record ReauthResponseMessage(String nonce, String signature, DevicePosture posture)
        implements ControlMessage {
}
