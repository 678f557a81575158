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
 */
public record TlsConfig(Path certificateChainFile, Path privateKeyFile, Path caFile,
        String trustDomain) {

    /**
     * Checks that every field is set and the trust domain is valid.
     *
     * @throws IllegalArgumentException if the trust domain is invalid
     */
    public TlsConfig {
        Objects.requireNonNull(certificateChainFile, "certificateChainFile");
        Objects.requireNonNull(privateKeyFile, "privateKeyFile");
        Objects.requireNonNull(caFile, "caFile");
        SpiffeId.checkTrustDomain(trustDomain);
    }
}
