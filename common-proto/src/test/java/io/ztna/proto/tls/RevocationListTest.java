package io.ztna.proto.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.ztna.proto.pki.CrlFile;
import io.ztna.proto.testing.ManualClock;
import io.ztna.proto.testing.TestPki;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CRLReason;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationListTest {
    @TempDir
    Path dir;

    private TestPki pki;
    private TlsConfig alice;
    private TlsConfig bob;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T15:00:00Z"));
    private LogCapture logs;

    @BeforeEach
    void createPki() {
        pki = TestPki.create(dir);
        alice = pki.user("alice@example.com", "laptop-1");
        bob = pki.user("bob@example.com", "desktop-2");
        logs = new LogCapture(RevocationList.class);
    }

    @AfterEach
    void stopCapture() {
        logs.close();
    }

    private RevocationList load() throws IOException {
        return RevocationList.load(pki.crlFile(), pki.caFile(), clock);
    }

    @Test
    void lookupReturnsListedRevocation() throws Exception {
        Revocation revoked = pki.revoke(alice, CRLReason.KEY_COMPROMISE);

        RevocationList list = load();

        assertThat(list.revocation(TestPki.certificate(alice))).contains(revoked);
        assertThat(revoked.reason()).isEqualTo(CRLReason.KEY_COMPROMISE);
        assertThat(revoked.serial()).isEqualTo(TestPki.certificate(alice).getSerialNumber());
        assertThat(list.isRevoked(TestPki.certificate(alice))).isTrue();
        assertThat(list.revocation(TestPki.certificate(bob))).isEmpty();
        assertThat(list.crls()).hasSize(1);
        assertThat(list.crls().get(0).crlNumber()).isEqualTo(BigInteger.ONE);
    }

    @Test
    void lookupReloadsChangedFileAfterInterval() throws Exception {
        pki.revoke(alice, CRLReason.KEY_COMPROMISE);
        RevocationList list = load();
        X509Certificate bobCertificate = TestPki.certificate(bob);
        assertThat(list.isRevoked(bobCertificate)).isFalse();

        pki.revoke(bob, CRLReason.SUPERSEDED);
        boolean beforeInterval = list.isRevoked(bobCertificate);
        clock.advance(RevocationList.CHECK_INTERVAL);
        boolean afterInterval = list.isRevoked(bobCertificate);

        assertThat(beforeInterval).as("revoked before the check interval passed").isFalse();
        assertThat(afterInterval).as("revoked after the check interval passed").isTrue();
        assertThat(list.isRevoked(TestPki.certificate(alice))).isTrue();
        assertThat(list.crls().get(0).crlNumber()).isEqualTo(BigInteger.TWO);
        assertThat(logs.messages(Level.INFO)).containsExactly("CRL reloaded: file="
                + pki.crlFile() + " crlNumbers=[2] revoked=2");
    }

    @Test
    void refreshReloadsOnlyChangedFile() throws Exception {
        pki.signCrl();
        RevocationList list = load();

        boolean unchanged = list.refresh();
        pki.revoke(alice, CRLReason.CESSATION_OF_OPERATION);
        boolean changed = list.refresh();
        boolean again = list.refresh();

        assertThat(unchanged).isFalse();
        assertThat(changed).isTrue();
        assertThat(again).isFalse();
        assertThat(list.revocation(TestPki.certificate(alice)).map(Revocation::reason))
                .contains(CRLReason.CESSATION_OF_OPERATION);
    }

    @Test
    void corruptedFileKeepsPreviousList() throws Exception {
        pki.revoke(alice, CRLReason.KEY_COMPROMISE);
        RevocationList list = load();
        String valid = Files.readString(pki.crlFile());
        // Cut the file inside its base64 body, as an interrupted copy would.
        Files.writeString(pki.crlFile(), valid.substring(0, valid.length() / 2));

        boolean reloaded = list.refresh();
        clock.advance(RevocationList.CHECK_INTERVAL);
        boolean stillRevoked = list.isRevoked(TestPki.certificate(alice));

        assertThat(reloaded).isFalse();
        assertThat(stillRevoked).isTrue();
        List<String> warnings = logs.messages(Level.WARN);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).startsWith("CRL reload failed, keeping the previous list:"
                + " file=" + pki.crlFile() + " error=invalid CRL file " + pki.crlFile() + ": ");
    }

    @Test
    void repairedFileLoadsAfterFailure() throws Exception {
        pki.revoke(alice, CRLReason.KEY_COMPROMISE);
        RevocationList list = load();
        String valid = Files.readString(pki.crlFile());
        Files.writeString(pki.crlFile(), "not a CRL\n");
        assertThat(list.refresh()).isFalse();

        Files.writeString(pki.crlFile(), valid);
        pki.revoke(bob, CRLReason.KEY_COMPROMISE);

        assertThat(list.refresh()).isTrue();
        assertThat(list.isRevoked(TestPki.certificate(bob))).isTrue();
    }

    @Test
    void deletedFileKeepsPreviousList() throws Exception {
        pki.revoke(alice, CRLReason.KEY_COMPROMISE);
        RevocationList list = load();

        Files.delete(pki.crlFile());

        assertThat(list.refresh()).isFalse();
        assertThat(list.refresh()).isFalse();
        assertThat(list.isRevoked(TestPki.certificate(alice))).isTrue();
        assertThat(logs.messages(Level.WARN)).containsExactly("CRL reload failed, keeping the"
                + " previous list: file=" + pki.crlFile() + " error=file not found");
    }

    @Test
    void reloadSignedByOtherCaKeepsList() throws Exception {
        pki.revoke(alice, CRLReason.KEY_COMPROMISE);
        RevocationList list = load();
        TestPki other = TestPki.create(Files.createDirectories(dir.resolve("other")));
        Files.copy(other.signCrl(), pki.crlFile(), StandardCopyOption.REPLACE_EXISTING);

        assertThat(list.refresh()).isFalse();
        assertThat(list.isRevoked(TestPki.certificate(alice))).isTrue();
        assertThat(logs.messages(Level.WARN)).hasSize(1);
        assertThat(logs.messages(Level.WARN).get(0)).contains("CRL signature does not verify");
    }

    @Test
    void crlOfSameNamedOtherCaRejected() throws Exception {
        TestPki other = TestPki.create(Files.createDirectories(dir.resolve("other")));
        Path foreignCrl = other.signCrl();

        assertThatThrownBy(() -> RevocationList.load(foreignCrl, pki.caFile()))
                .isInstanceOf(IOException.class)
                .hasMessage("invalid CRL file " + foreignCrl + ": CRL signature does not verify"
                        + " with the key of any trusted CA named CN=example.test,O=ztna (the CRL"
                        + " was signed by another key) (expected a PEM X.509 CRL signed by a CA"
                        + " in " + pki.caFile() + ", such as the crl.pem that 'bin/pki crl'"
                        + " writes)");
    }

    @Test
    void crlOfOtherTrustDomainRejected() throws Exception {
        TestPki other = TestPki.create(Files.createDirectories(dir.resolve("other")),
                "other.test");
        Path foreignCrl = other.signCrl();

        assertThatThrownBy(() -> RevocationList.load(foreignCrl, pki.caFile()))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("invalid CRL file " + foreignCrl + ": CRL issuer"
                        + " CN=other.test,O=ztna is not a trusted CA allowed to sign CRLs"
                        + " (expected one of [CN=example.test,O=ztna])");
    }

    @Test
    void crlsOfTwoCasBothApply() throws Exception {
        TestPki other = TestPki.create(Files.createDirectories(dir.resolve("other")),
                "other.test");
        TlsConfig stranger = other.user("carol@example.com", "tablet-3");
        pki.revoke(alice, CRLReason.KEY_COMPROMISE);
        other.revoke(stranger, CRLReason.SUPERSEDED);
        Path bothCas = dir.resolve("both-cas.pem");
        Files.writeString(bothCas, Files.readString(pki.caFile())
                + Files.readString(other.caFile()));
        Path bothCrls = dir.resolve("both-crls.pem");
        Files.writeString(bothCrls, Files.readString(pki.crlFile())
                + Files.readString(other.crlFile()));

        RevocationList list = RevocationList.load(bothCrls, bothCas);

        assertThat(list.crls()).hasSize(2);
        assertThat(list.isRevoked(TestPki.certificate(alice))).isTrue();
        assertThat(list.isRevoked(TestPki.certificate(stranger))).isTrue();
        assertThat(list.isRevoked(TestPki.certificate(bob))).isFalse();
    }

    @Test
    void missingFileRejectedAtLoad() {
        Path missing = dir.resolve("missing-crl.pem");

        assertThatThrownBy(() -> RevocationList.load(missing, pki.caFile()))
                .isInstanceOf(IOException.class)
                .hasMessage("CRL file not found: " + missing + " (expected a PEM X.509 CRL"
                        + " signed by a CA in " + pki.caFile() + ", such as the crl.pem that"
                        + " 'bin/pki crl' writes)");
    }

    @Test
    void certificateFileRejectedAsCrl() throws Exception {
        Path notCrl = pki.caFile();

        assertThatThrownBy(() -> RevocationList.load(notCrl, pki.caFile()))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("invalid CRL file " + notCrl + ": ")
                .hasMessageEndingWith(" (expected a PEM X.509 CRL signed by a CA in "
                        + pki.caFile() + ", such as the crl.pem that 'bin/pki crl' writes)");
    }

    @Test
    void listPastNextUpdateWarnsOnce() throws Exception {
        Instant signedAt = Instant.now().minus(TestPki.CRL_VALIDITY).minus(Duration.ofDays(1));
        new CrlFile(pki.crlFile(), pki.ca().withClock(Clock.fixed(signedAt, ZoneOffset.UTC)))
                .revoke(TestPki.certificate(alice), CRLReason.KEY_COMPROMISE,
                        TestPki.CRL_VALIDITY);

        RevocationList list = RevocationList.load(pki.crlFile(), pki.caFile());
        Optional<Revocation> revocation = list.revocation(TestPki.certificate(alice));

        assertThat(revocation).isPresent();
        List<String> warnings = logs.messages(Level.WARN);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).startsWith("CRL is past its nextUpdate and still in use:"
                + " file=" + pki.crlFile() + " issuer=CN=example.test,O=ztna crlNumber=1");
    }
}
