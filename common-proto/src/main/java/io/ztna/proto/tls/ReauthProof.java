package io.ztna.proto.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Base64;

/**
 * Proof that an agent still holds its device key: a signature over a gateway's random nonce.
 * The signed bytes carry a fixed context string, so that a signature made for this purpose
 * cannot be replayed as anything else.
 */
public final class ReauthProof {

    private static final String CONTEXT = "ztna re-authentication v1\n";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ReauthProof() {
    }

    /** Returns a fresh 32-byte nonce, base64. */
    public static String newNonce() {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** Returns the bytes an agent signs for a nonce. */
    public static byte[] signedBytes(String nonce) {
        return (CONTEXT + nonce).getBytes(StandardCharsets.US_ASCII);
    }

    /** Signs a nonce with the device key and returns the signature, base64. */
    public static String sign(PrivateKey key, String nonce) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(algorithm(key.getAlgorithm()));
        signature.initSign(key);
        signature.update(signedBytes(nonce));
        return Base64.getEncoder().encodeToString(signature.sign());
    }

    /**
     * Returns whether {@code signatureBase64} is a valid signature of the nonce by the key whose
     * public half is given; false for malformed base64 or signatures too.
     */
    public static boolean verify(PublicKey key, String nonce, String signatureBase64) {
        try {
            Signature signature = Signature.getInstance(algorithm(key.getAlgorithm()));
            signature.initVerify(key);
            signature.update(signedBytes(nonce));
            return signature.verify(Base64.getDecoder().decode(signatureBase64));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String algorithm(String keyAlgorithm) throws GeneralSecurityException {
        return switch (keyAlgorithm) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new GeneralSecurityException(
                    "unsupported device key algorithm " + keyAlgorithm
                            + ": expected EC, RSA or Ed25519");
        };
    }
}
