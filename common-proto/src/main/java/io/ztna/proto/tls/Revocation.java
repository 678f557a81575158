package io.ztna.proto.tls;

import java.math.BigInteger;
import java.security.cert.CRLReason;
import java.security.cert.CertificateException;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of a CRL: the serial of a revoked certificate, when it was revoked and why.
 *
 * @param serial the certificate's serial number
 * @param revokedAt the revocation date; CRLs store it to the second
 * @param reason the RFC 5280 reason code; {@link CRLReason#UNSPECIFIED} when the entry has none
 */
public record Revocation(BigInteger serial, Instant revokedAt, CRLReason reason) {

    /** Checks that every field is set. */
    public Revocation {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(reason, "reason");
    }

    /** Returns the entry of a parsed CRL. */
    public static Revocation of(X509CRLEntry entry) {
        CRLReason reason = entry.getRevocationReason();
        return new Revocation(entry.getSerialNumber(), entry.getRevocationDate().toInstant(),
                reason == null ? CRLReason.UNSPECIFIED : reason);
    }

    /** Returns the reason as used on the command line, such as {@code key-compromise}. */
    public String reasonName() {
        return reasonName(reason);
    }

    /**
     * Returns the rejection message for the revoked certificate, for example {@code certificate
     * serial 0x1A2B (spiffe://ztna.lab/publisher/pub-1) was revoked at 2026-12-04T15:00:00Z
     * (key-compromise)}.
     */
    public String message(X509Certificate certificate) {
        return "certificate serial " + hexSerial(serial) + " (" + describe(certificate)
                + ") was revoked at " + revokedAt + " (" + reasonName() + ")";
    }

    /** Returns an RFC 5280 reason in lower case with hyphens, such as {@code key-compromise}. */
    public static String reasonName(CRLReason reason) {
        return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Returns a serial number as {@code 0x} and upper-case hex digits, such as {@code 0x1A2B}. */
    public static String hexSerial(BigInteger serial) {
        return "0x" + serial.toString(16).toUpperCase(Locale.ROOT);
    }

    /** Returns the certificate's SPIFFE id, or its subject if it has no valid id. */
    public static String describe(X509Certificate certificate) {
        try {
            return PeerIdentity.of(certificate).toString();
        } catch (CertificateException e) {
            return certificate.getSubjectX500Principal().getName();
        }
    }
}
