package io.ztna.agent.posture;

import io.ztna.proto.tls.ReauthProof;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The private key of the agent's certificate, which proves to the client gateway that the
 * device on a tunnel still has it. Read once at start, because the TLS context presents the
 * certificate read at start too.
 */
public final class DeviceKey {

    private final PrivateKey key;

    private DeviceKey(PrivateKey key) {
        this.key = key;
    }

    /** Wraps a key already read, for tests. */
    public static DeviceKey of(PrivateKey key) {
        return new DeviceKey(key);
    }

    /**
     * Reads the first unencrypted private key of a PEM file, in PKCS#8 or SEC 1 form.
     *
     * @throws IOException naming the file when it cannot be read or has no such key
     */
    public static DeviceKey load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null;
                    object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return new DeviceKey(converter.getPrivateKey(info));
                }
                if (object instanceof PEMKeyPair pair) {
                    return new DeviceKey(converter.getKeyPair(pair).getPrivate());
                }
            }
        }
        throw new IOException("no unencrypted private key in PEM file " + file);
    }

    /** Signs a re-authentication nonce as {@link ReauthProof#sign} does; returns base64. */
    public String sign(String nonce) throws GeneralSecurityException {
        return ReauthProof.sign(key, nonce);
    }
}
