package io.ztna.proto.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.pki.LeafRequest;
import io.ztna.proto.testing.TestPki;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateStatusTest {
    /** The time of issue of every certificate in this test. */
    private static final Instant ISSUED_AT = Instant.parse("2026-12-04T15:00:00Z");

    @TempDir
    Path dir;

    private TestPki pki;

    @BeforeEach
    void createPki() {
        pki = TestPki.create(dir);
    }

    /** Issues a certificate at {@link #ISSUED_AT} that stays valid for one hour. */
    private TlsConfig issueOneHour(String email) {
        return pki.issue(pki.ca().withClock(Clock.fixed(ISSUED_AT, ZoneOffset.UTC)),
                LeafRequest.builder(SpiffeId.user(pki.trustDomain(), email, "laptop-1"))
                        .validity(Duration.ofHours(1))
                        .build());
    }

    @Test
    void certificateWithinDatesIsValid() {
        X509Certificate certificate = TestPki.certificate(issueOneHour("alice@example.com"));

        CertificateStatus status = CertificateStatus.check(certificate,
                ISSUED_AT.plus(Duration.ofMinutes(30)), Optional.empty());

        assertThat(status.code()).isEqualTo(CertificateStatus.Code.VALID);
        assertThat(status.isValid()).isTrue();
        assertThat(status.reason()).isEmpty();
    }

    @Test
    void certificateAtNotAfterIsValid() {
        X509Certificate certificate = TestPki.certificate(issueOneHour("alice@example.com"));

        CertificateStatus status = CertificateStatus.check(certificate,
                ISSUED_AT.plus(Duration.ofHours(1)), Optional.empty());

        assertThat(status.code()).isEqualTo(CertificateStatus.Code.VALID);
    }

    @Test
    void expiredCertificateNamesNotAfter() {
        X509Certificate certificate = TestPki.certificate(issueOneHour("alice@example.com"));

        CertificateStatus status = CertificateStatus.check(certificate,
                ISSUED_AT.plus(Duration.ofHours(1)).plusSeconds(1), Optional.empty());

        assertThat(status.code()).isEqualTo(CertificateStatus.Code.EXPIRED);
        assertThat(status.isValid()).isFalse();
        assertThat(status.reason()).contains("certificate expired at 2026-12-04T16:00:00Z");
    }

    @Test
    void notYetValidCertificateNamesBothTimes() {
        X509Certificate certificate = TestPki.certificate(issueOneHour("alice@example.com"));
        // NotBefore is backdated by CertificateAuthority.BACKDATE, so 14:55:00.
        Instant now = Instant.parse("2026-12-04T14:50:00Z");

        CertificateStatus status = CertificateStatus.check(certificate, now, Optional.empty());

        assertThat(status.code()).isEqualTo(CertificateStatus.Code.NOT_YET_VALID);
        assertThat(status.reason()).contains("certificate not valid before 2026-12-04T14:55:00Z"
                + " (now 2026-12-04T14:50:00Z)");
    }

    @Test
    void revokedCertificateNamesSerialAndReason() throws Exception {
        TlsConfig alice = pki.user("alice@example.com", "laptop-1");
        X509Certificate certificate = TestPki.certificate(alice);
        Revocation revocation = pki.revoke(alice, CRLReason.KEY_COMPROMISE);
        RevocationList list = RevocationList.load(pki.crlFile(), pki.caFile());

        CertificateStatus status = CertificateStatus.check(certificate, Instant.now(),
                Optional.of(list));

        assertThat(status.code()).isEqualTo(CertificateStatus.Code.REVOKED);
        assertThat(status.reason()).contains("certificate serial "
                + Revocation.hexSerial(certificate.getSerialNumber())
                + " (spiffe://example.test/user/alice@example.com/device/laptop-1) was revoked"
                + " at " + revocation.revokedAt() + " (key-compromise)");
    }

    @Test
    void revokedCertificateValidWithoutList() {
        TlsConfig alice = pki.user("alice@example.com", "laptop-1");
        pki.revoke(alice, CRLReason.KEY_COMPROMISE);

        CertificateStatus status = CertificateStatus.check(TestPki.certificate(alice),
                Instant.now(), Optional.empty());

        assertThat(status.code()).isEqualTo(CertificateStatus.Code.VALID);
    }

    @Test
    void unrevokedCertificateValidWithList() throws Exception {
        TlsConfig alice = pki.user("alice@example.com", "laptop-1");
        TlsConfig bob = pki.user("bob@example.com", "desktop-2");
        pki.revoke(alice, CRLReason.KEY_COMPROMISE);
        RevocationList list = RevocationList.load(pki.crlFile(), pki.caFile());

        CertificateStatus status = CertificateStatus.check(TestPki.certificate(bob),
                Instant.now(), Optional.of(list));

        assertThat(status.code()).isEqualTo(CertificateStatus.Code.VALID);
    }
}
