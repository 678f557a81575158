package io.ztna.proto.config;

import io.ztna.proto.tls.PeerIdentity;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.RevocationList;
import io.ztna.proto.tls.SpiffeId;
import io.ztna.proto.tls.TlsConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Checks a daemon's own certificate at start: it carries an id of the daemon's role, and the
 * private key belongs to it. Without this, a wrong file lets the daemon start and then fail
 * every handshake. The configured CRL file, if any, is checked here too, because every daemon
 * calls this while loading its config.
 */
public final class OwnCertificate {

    private OwnCertificate() {
    }

    /**
     * Returns the daemon's id from its certificate.
     *
     * @throws ConfigException naming the config file, the field and what is wrong
     */
    public static SpiffeId check(Path configFile, TlsConfig tls, PeerRole role)
            throws ConfigException {
        X509Certificate certificate = readCertificate(configFile, tls.certificateChainFile());
        SpiffeId id;
        try {
            id = PeerIdentity.of(certificate);
        } catch (CertificateException e) {
            throw new ConfigException(configFile + ": tls.certificate: " + e.getMessage());
        }
        if (id.role() != role) {
            throw new ConfigException(configFile + ": tls.certificate: " + tls.certificateChainFile()
                    + " is a " + id.role() + " certificate (" + id + "), expected a " + role
                    + " certificate");
        }
        PrivateKey key = readKey(configFile, tls.privateKeyFile());
        if (!matches(key, certificate.getPublicKey())) {
            throw new ConfigException(configFile + ": tls.privateKey: " + tls.privateKeyFile()
                    + " does not belong to the certificate " + tls.certificateChainFile());
        }
        checkCrl(configFile, tls);
        return id;
    }

    /** Checks that the CRL file, if configured, is a CRL signed by a CA of the CA file. */
    private static void checkCrl(Path configFile, TlsConfig tls) throws ConfigException {
        if (tls.crlFile() == null) {
            return;
        }
        try {
            RevocationList.load(tls.crlFile(), tls.caFile());
        } catch (IOException e) {
            throw new ConfigException(configFile + ": tls.crl: " + e.getMessage(), e);
        }
    }

    private static X509Certificate readCertificate(Path configFile, Path file)
            throws ConfigException {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (NoSuchFileException e) {
            throw new ConfigException(configFile + ": tls.certificate: file not found: " + file);
        } catch (IOException | CertificateException e) {
            throw new ConfigException(configFile + ": tls.certificate: " + file
                    + " is not a PEM certificate: " + e.getMessage());
        }
    }

    private static PrivateKey readKey(Path configFile, Path file) throws ConfigException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new ConfigException(configFile + ": tls.privateKey: " + file
                    + " holds no unencrypted private key (expected: PEM PRIVATE KEY)");
        } catch (NoSuchFileException e) {
            throw new ConfigException(configFile + ": tls.privateKey: file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException(configFile + ": tls.privateKey: " + file
                    + " is not a PEM private key: " + e.getMessage());
        }
    }

    /** Signs a random challenge with the key and verifies it with the certificate's key. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
