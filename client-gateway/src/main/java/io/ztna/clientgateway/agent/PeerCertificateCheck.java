package io.ztna.clientgateway.agent;

import io.ztna.proto.tls.CertificateStatus;
import io.ztna.proto.tls.RevocationList;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks at each re-authentication that an agent's certificate is still good: within its
 * validity period and, where the gateway has a revocation list, not revoked.
 */
@FunctionalInterface
public interface PeerCertificateCheck {

    /** Checks only the validity period. */
    PeerCertificateCheck VALIDITY = of(null);

    /**
     * Returns a check of the validity period and, when {@code revocations} is not null, of
     * that list, which reloads itself when its file changes.
     */
    static PeerCertificateCheck of(RevocationList revocations) {
        return (certificate, now) -> CertificateStatus.check(certificate, now,
                Optional.ofNullable(revocations)).reason().orElse(null);
    }

    /** Returns why the certificate is no longer acceptable at {@code now}, or null if it is. */
    String problem(X509Certificate certificate, Instant now);
}
