package io.ztna.proto.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The files and trust domain of one TLS endpoint.
 *
 * @param certificateChainFile PEM file with this endpoint's certificate first, then any
 *     intermediates
 * @param privateKeyFile PEM file with the unencrypted PKCS#8 private key of that certificate
 * @param caFile PEM file with the CA certificates that peers must chain to
 * @param trustDomain the SPIFFE trust domain that peers and this endpoint belong to
 * @param crlFile PEM file with the CRLs of those CAs, reloaded when it changes; null to accept
 *     peers without a revocation check
 */
public record TlsConfig(Path certificateChainFile, Path privateKeyFile, Path caFile,
        String trustDomain, Path crlFile) {

    /**
     * Checks that every field except {@code crlFile} is set and the trust domain is valid.
     *
     * @throws IllegalArgumentException if the trust domain is invalid
     */
    public TlsConfig {
        Objects.requireNonNull(certificateChainFile, "certificateChainFile");
        Objects.requireNonNull(privateKeyFile, "privateKeyFile");
        Objects.requireNonNull(caFile, "caFile");
        SpiffeId.checkTrustDomain(trustDomain);
    }

    /** Creates a config without a CRL file. */
    public TlsConfig(Path certificateChainFile, Path privateKeyFile, Path caFile,
            String trustDomain) {
        this(certificateChainFile, privateKeyFile, caFile, trustDomain, null);
    }

    /** Returns a copy that checks peers against the CRLs in {@code crlFile}. */
    public TlsConfig withCrl(Path crlFile) {
        return new TlsConfig(certificateChainFile, privateKeyFile, caFile, trustDomain,
                Objects.requireNonNull(crlFile, "crlFile"));
    }
}
