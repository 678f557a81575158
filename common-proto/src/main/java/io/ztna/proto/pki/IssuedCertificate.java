package io.ztna.proto.pki;

import io.ztna.proto.tls.SpiffeId;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A leaf certificate with its private key, as returned by
 * {@link CertificateAuthority#issue(LeafRequest)}.
 *
 * <p>The chain holds only the leaf, because the CA signs leaves directly and every peer already
 * has the CA certificate.
 */
public final class IssuedCertificate {
    private final SpiffeId id;
    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    IssuedCertificate(SpiffeId id, X509Certificate certificate, PrivateKey privateKey) {
        this.id = id;
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /** Returns the SPIFFE id in the certificate's URI SAN. */
    public SpiffeId id() {
        return id;
    }

    /** Returns the leaf certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** Returns the certificate chain to present in a handshake, leaf first. */
    public List<X509Certificate> chain() {
        return List.of(certificate);
    }

    /** Returns the private key that matches the certificate. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /**
     * Writes the chain and the private key as PEM files, replacing existing files. The key file
     * is unencrypted PKCS#8 with mode 0600.
     */
    public void write(Path chainFile, Path privateKeyFile) throws IOException {
        PemFiles.writeCertificates(chainFile, chain());
        PemFiles.writePrivateKey(privateKeyFile, privateKey);
    }

    @Override
    public String toString() {
        return "IssuedCertificate(id=" + id
                + ", serial=" + certificate.getSerialNumber().toString(16)
                + ", notAfter=" + certificate.getNotAfter().toInstant() + ")";
    }
}
