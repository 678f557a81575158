package io.ztna.clientgateway.agent;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Checks at each re-authentication that an agent's certificate is still good: within its
 * validity period and, where the gateway has a revocation list, not revoked.
 */
@FunctionalInterface
public interface PeerCertificateCheck {

    /** Checks only the validity period. */
    PeerCertificateCheck VALIDITY = (certificate, now) -> {
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            return "certificate expired at " + certificate.getNotAfter().toInstant();
        }
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            return "certificate not valid before " + certificate.getNotBefore().toInstant()
                    + " (now " + now + ")";
        }
        return null;
    };

    /** Returns why the certificate is no longer acceptable at {@code now}, or null if it is. */
    String problem(X509Certificate certificate, Instant now);
}
