package io.ztna.proto.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a peer certificate is still acceptable at a given time, as checked when a tunnel is
 * re-authenticated long after its handshake.
 *
 * <p>{@link #check} tests the dates before the revocation list, so a certificate that is both
 * expired and revoked is reported as expired. It does not validate the chain again, because
 * the handshake did that and neither the chain nor the trusted CAs change during a session.
 *
 * @param code the outcome
 * @param reason why the certificate is not acceptable, or empty if it is valid
 */
public record CertificateStatus(Code code, Optional<String> reason) {
    /** The outcome of a check. */
    public enum Code {
        VALID, EXPIRED, NOT_YET_VALID, REVOKED
    }

    private static final CertificateStatus VALID = new CertificateStatus(Code.VALID,
            Optional.empty());

    /** Checks that a reason is present exactly when the code is not {@link Code#VALID}. */
    public CertificateStatus {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        if ((code == Code.VALID) != reason.isEmpty()) {
            throw new IllegalArgumentException("code " + code + " with reason " + reason
                    + " (expected a reason for every code except VALID)");
        }
    }

    /**
     * Checks the certificate's validity dates at {@code now}, inclusive at both ends as in
     * RFC 5280, then looks it up in the revocation list if there is one.
     *
     * <p>The reasons read {@code certificate expired at NOT_AFTER}, {@code certificate not valid
     * before NOT_BEFORE (now NOW)} and, for a revoked certificate,
     * {@link Revocation#message(X509Certificate)}.
     *
     * @param revocations the peer CA's revocation list, or empty to skip that check
     */
    public static CertificateStatus check(X509Certificate certificate, Instant now,
            Optional<RevocationList> revocations) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            return new CertificateStatus(Code.EXPIRED,
                    Optional.of("certificate expired at " + notAfter));
        }
        if (now.isBefore(notBefore)) {
            return new CertificateStatus(Code.NOT_YET_VALID, Optional.of(
                    "certificate not valid before " + notBefore + " (now " + now + ")"));
        }
        Optional<Revocation> revocation = revocations.flatMap(list -> list.revocation(certificate));
        if (revocation.isPresent()) {
            return new CertificateStatus(Code.REVOKED,
                    Optional.of(revocation.get().message(certificate)));
        }
        return VALID;
    }

    /** Returns whether the certificate is acceptable. */
    public boolean isValid() {
        return code == Code.VALID;
    }
}
