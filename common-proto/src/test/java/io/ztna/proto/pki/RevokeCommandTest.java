package io.ztna.proto.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.tls.Revocation;
import io.ztna.proto.tls.VerifiedCrl;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pki revoke}, {@code pki crl} and the empty CRL of {@code pki init}. */
class RevokeCommandTest {
    private static final String ALICE_ID =
            "spiffe://example.test/user/alice@example.com/device/laptop-1";

    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return PkiCommand.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
    }

    private Path ca() {
        return dir.resolve("ca");
    }

    private Path crl() {
        return ca().resolve("crl.pem");
    }

    @BeforeEach
    void initCa() {
        assertThat(run("init", "--dir", ca().toString(), "--trust-domain", "example.test"))
                .as(err.toString()).isZero();
    }

    /** Issues a user certificate in the test CA and returns its PEM file. */
    private Path issueUser(String name, String device) {
        int exitCode = run("issue", "--dir", ca().toString(), "--role", "user", "--name", name,
                "--device", device);
        assertThat(exitCode).as(err.toString()).isZero();
        return ca().resolve("user-" + name + "-" + device + ".pem");
    }

    private static X509Certificate certificate(Path file) throws Exception {
        return PemFiles.readCertificates(file).get(0);
    }

    private static X509CRL readCrl(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        }
    }

    private VerifiedCrl verifiedCrl() throws Exception {
        X509Certificate caCertificate = certificate(ca().resolve("ca.pem"));
        List<VerifiedCrl> crls = VerifiedCrl.readAll(crl(), List.of(caCertificate));
        assertThat(crls).hasSize(1);
        return crls.get(0);
    }

    @Test
    void initWritesEmptyCrl() throws Exception {
        VerifiedCrl crl = verifiedCrl();

        assertThat(crl.crlNumber()).isEqualTo(BigInteger.ONE);
        assertThat(crl.revocations()).isEmpty();
        assertThat(Duration.between(crl.thisUpdate(), crl.nextUpdate()))
                .isEqualTo(Duration.ofDays(7));
        assertThat(out.toString()).contains("crl=" + crl());
    }

    @Test
    void revokeListsSerialAndReason() throws Exception {
        Path alice = issueUser("alice@example.com", "laptop-1");
        BigInteger serial = certificate(alice).getSerialNumber();
        Instant before = Instant.now().minusSeconds(1);

        int exitCode = run("revoke", "--dir", ca().toString(), "--cert", alice.toString(),
                "--reason", "key-compromise");

        assertThat(exitCode).as(err.toString()).isZero();
        X509CRLEntry entry = readCrl(crl()).getRevokedCertificate(serial);
        assertThat(entry).isNotNull();
        assertThat(entry.getRevocationReason()).isEqualTo(CRLReason.KEY_COMPROMISE);
        assertThat(entry.getRevocationDate().toInstant()).isBetween(before, Instant.now());
        VerifiedCrl crl = verifiedCrl();
        assertThat(crl.crlNumber()).isEqualTo(BigInteger.TWO);
        assertThat(out.toString()).isEqualTo("revoked certificate: serial="
                + Revocation.hexSerial(serial) + " id=" + ALICE_ID + " reason=key-compromise"
                + " crlNumber=2 nextUpdate=" + crl.nextUpdate() + " crl=" + crl()
                + System.lineSeparator());
    }

    @Test
    void unspecifiedReasonHasNoReasonCode() throws Exception {
        Path alice = issueUser("alice@example.com", "laptop-1");

        int exitCode = run("revoke", "--dir", ca().toString(), "--cert", alice.toString());

        assertThat(exitCode).as(err.toString()).isZero();
        X509CRLEntry entry = readCrl(crl()).getRevokedCertificate(
                certificate(alice).getSerialNumber());
        assertThat(entry.getRevocationReason()).isNull();
        assertThat(out.toString()).contains(" reason=unspecified ");
    }

    @Test
    void crlNumberIncrementsPerRevocation() throws Exception {
        Path alice = issueUser("alice@example.com", "laptop-1");
        Path bob = issueUser("bob@example.com", "desktop-2");

        run("revoke", "--dir", ca().toString(), "--cert", alice.toString());
        BigInteger afterFirst = verifiedCrl().crlNumber();
        run("revoke", "--dir", ca().toString(), "--cert", bob.toString(),
                "--reason", "superseded");
        VerifiedCrl afterSecond = verifiedCrl();

        assertThat(afterFirst).isEqualTo(BigInteger.valueOf(2));
        assertThat(afterSecond.crlNumber()).isEqualTo(BigInteger.valueOf(3));
        assertThat(afterSecond.revocations().keySet()).containsExactlyInAnyOrder(
                certificate(alice).getSerialNumber(), certificate(bob).getSerialNumber());
        assertThat(afterSecond.revocations().get(certificate(bob).getSerialNumber()).reason())
                .isEqualTo(CRLReason.SUPERSEDED);
    }

    @Test
    void secondRevokeIsIdempotent() throws Exception {
        Path alice = issueUser("alice@example.com", "laptop-1");
        run("revoke", "--dir", ca().toString(), "--cert", alice.toString(),
                "--reason", "key-compromise");
        byte[] afterFirst = Files.readAllBytes(crl());
        Revocation first = verifiedCrl().revocations().get(certificate(alice).getSerialNumber());

        int exitCode = run("revoke", "--dir", ca().toString(), "--cert", alice.toString(),
                "--reason", "superseded");

        assertThat(exitCode).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(crl())).isEqualTo(afterFirst);
        assertThat(out.toString()).isEqualTo("certificate already revoked, CRL unchanged:"
                + " serial=" + Revocation.hexSerial(first.serial()) + " id=" + ALICE_ID
                + " revokedAt=" + first.revokedAt() + " reason=key-compromise crlNumber=2"
                + " crl=" + crl() + System.lineSeparator());
    }

    @Test
    void foreignCertificateRejected() throws Exception {
        Path other = dir.resolve("other");
        run("init", "--dir", other.toString(), "--trust-domain", "other.test");
        run("issue", "--dir", other.toString(), "--role", "publisher", "--name", "pub-9");
        Path foreign = other.resolve("publisher-pub-9.pem");
        BigInteger serial = certificate(foreign).getSerialNumber();
        byte[] before = Files.readAllBytes(crl());

        int exitCode = run("revoke", "--dir", ca().toString(), "--cert", foreign.toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("pki revoke: certificate serial "
                + Revocation.hexSerial(serial) + " (spiffe://other.test/publisher/pub-9) was not"
                + " issued by this CA: expected issuer CN=example.test,O=ztna, found issuer"
                + " CN=other.test,O=ztna" + System.lineSeparator());
        assertThat(Files.readAllBytes(crl())).isEqualTo(before);
    }

    @Test
    void certificateOfReplacedCaRejected() throws Exception {
        Path alice = issueUser("alice@example.com", "laptop-1");
        run("init", "--dir", ca().toString(), "--trust-domain", "example.test", "--force");

        int exitCode = run("revoke", "--dir", ca().toString(), "--cert", alice.toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString())
                .contains("was not issued by this CA: expected issuer CN=example.test,O=ztna"
                        + " with key id ")
                .contains("(same name, other key, as after 'pki init --force')");
    }

    @Test
    void crlVerifiesWithOpenssl() throws Exception {
        Path alice = issueUser("alice@example.com", "laptop-1");
        run("revoke", "--dir", ca().toString(), "--cert", alice.toString(),
                "--reason", "key-compromise");

        OpenSslProcess result = OpenSslProcess.run("crl", "-in", crl().toString(),
                "-CAfile", ca().resolve("ca.pem").toString(), "-noout");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).isEqualTo("verify OK");
    }

    @Test
    void revokedCertificateFailsOpensslCheck() throws Exception {
        Path alice = issueUser("alice@example.com", "laptop-1");
        Path bob = issueUser("bob@example.com", "desktop-2");
        run("revoke", "--dir", ca().toString(), "--cert", alice.toString(),
                "--reason", "key-compromise");
        String caFile = ca().resolve("ca.pem").toString();

        OpenSslProcess revoked = OpenSslProcess.run("verify", "-crl_check", "-CRLfile",
                crl().toString(), "-CAfile", caFile, alice.toString());
        OpenSslProcess valid = OpenSslProcess.run("verify", "-crl_check", "-CRLfile",
                crl().toString(), "-CAfile", caFile, bob.toString());

        assertThat(revoked.exitCode()).as(revoked.output()).isNotZero();
        assertThat(revoked.output()).contains("certificate revoked");
        assertThat(valid.exitCode()).as(valid.output()).isZero();
        assertThat(valid.output()).isEqualTo(bob + ": OK");
    }

    @Test
    void crlCommandResignsWithNextNumber() throws Exception {
        Path alice = issueUser("alice@example.com", "laptop-1");
        run("revoke", "--dir", ca().toString(), "--cert", alice.toString());
        Revocation revoked = verifiedCrl().revocations().get(certificate(alice).getSerialNumber());

        int exitCode = run("crl", "--dir", ca().toString(), "--next-update", "2d");

        assertThat(exitCode).as(err.toString()).isZero();
        VerifiedCrl crl = verifiedCrl();
        assertThat(crl.crlNumber()).isEqualTo(BigInteger.valueOf(3));
        assertThat(crl.revocations().values()).containsExactly(revoked);
        assertThat(Duration.between(crl.thisUpdate(), crl.nextUpdate()))
                .isEqualTo(Duration.ofDays(2));
        assertThat(out.toString()).isEqualTo("signed CRL: crlNumber=3 revoked=1 nextUpdate="
                + crl.nextUpdate() + " crl=" + crl() + System.lineSeparator());
    }

    @Test
    void crlCommandCreatesMissingCrl() throws Exception {
        Files.delete(crl());

        int exitCode = run("crl", "--dir", ca().toString());

        assertThat(exitCode).as(err.toString()).isZero();
        VerifiedCrl crl = verifiedCrl();
        assertThat(crl.crlNumber()).isEqualTo(BigInteger.ONE);
        assertThat(crl.revocations()).isEmpty();
    }

    @Test
    void unknownReasonExitsWithUsageError() {
        Path alice = issueUser("alice@example.com", "laptop-1");

        int exitCode = run("revoke", "--dir", ca().toString(), "--cert", alice.toString(),
                "--reason", "ca-compromise");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("'ca-compromise'")
                .contains("key-compromise, superseded, cessation-of-operation or unspecified");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void revokeWithoutCaNamesInit() {
        Path empty = dir.resolve("empty");

        int exitCode = run("revoke", "--dir", empty.toString(), "--cert",
                empty.resolve("x.pem").toString());

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).contains("CA not found").contains("pki init");
    }

    @Test
    void missingCertificateFileNamed() {
        Path missing = dir.resolve("missing.pem");

        int exitCode = run("revoke", "--dir", ca().toString(), "--cert", missing.toString());

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("pki revoke: certificate file not found: " + missing
                + " (expected a PEM certificate, such as one written by 'pki issue')"
                + System.lineSeparator());
    }
}
