package io.ztna.proto.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.tls.PeerIdentity;
import io.ztna.proto.tls.SpiffeId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return PkiCommand.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
    }

    private String ca() {
        return dir.toString();
    }

    @Test
    void initAndIssueWriteVerifiableFiles() throws Exception {
        assertThat(run("init", "--dir", ca(), "--trust-domain", "example.test")).isZero();
        int exitCode = run("issue", "--dir", ca(), "--role", "user",
                "--name", "alice@example.com", "--device", "laptop-1");

        Path leaf = dir.resolve("user-alice@example.com-laptop-1.pem");
        Path key = dir.resolve("user-alice@example.com-laptop-1-key.pem");
        assertThat(exitCode).as(err.toString()).isZero();
        OpenSslVerify result = OpenSslVerify.run(dir.resolve("ca.pem"), leaf);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).endsWith("OK");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("ca-key.pem")))).isEqualTo("rw-------");
        assertThat(out.toString())
                .contains("id=spiffe://example.test/user/alice@example.com/device/laptop-1");
    }

    @Test
    void issueHonoursOutValidityAndSans() throws Exception {
        run("init", "--dir", ca(), "--trust-domain", "example.test");
        Path prefix = dir.resolve("out/cg");
        Instant before = Instant.now();

        int exitCode = run("issue", "--dir", ca(), "--role", "client-gateway", "--name", "cg-1",
                "--dns", "cg-1.example.test", "--ip", "127.0.0.1", "--validity", "30d",
                "--out", prefix.toString());

        assertThat(exitCode).as(err.toString()).isZero();
        X509Certificate leaf = PemFiles.readCertificates(dir.resolve("out/cg.pem")).get(0);
        assertThat(PeerIdentity.of(leaf))
                .isEqualTo(SpiffeId.parse("spiffe://example.test/client-gateway/cg-1"));
        assertThat(leaf.getSubjectAlternativeNames()).hasSize(3);
        assertThat(Duration.between(before, leaf.getNotAfter().toInstant()))
                .isBetween(Duration.ofDays(30).minusMinutes(1), Duration.ofDays(30).plusMinutes(1));
        assertThat(dir.resolve("out/cg-key.pem")).exists();
    }

    @Test
    void unknownRoleExitsWithUsageError() {
        run("init", "--dir", ca(), "--trust-domain", "example.test");

        int exitCode = run("issue", "--dir", ca(), "--role", "admin", "--name", "x");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("'admin'").contains("user, publisher");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void userWithoutDeviceExitsWithUsageError() {
        run("init", "--dir", ca(), "--trust-domain", "example.test");

        int exitCode = run("issue", "--dir", ca(), "--role", "user", "--name", "a@example.com");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--device is required for role user");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void badTrustDomainExitsWithUsageError() {
        int exitCode = run("init", "--dir", ca(), "--trust-domain", "Bad_Domain!");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("'Bad_Domain!'").contains("lowercase letters");
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(dir.resolve("ca.pem")).doesNotExist();
    }

    @Test
    void badValidityExitsWithUsageError() {
        run("init", "--dir", ca(), "--trust-domain", "example.test");

        int exitCode = run("issue", "--dir", ca(), "--role", "publisher", "--name", "pub-1",
                "--validity", "1y");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("'1y'").contains("365d");
    }

    @Test
    void initKeepsExistingCaWithoutForce() throws Exception {
        run("init", "--dir", ca(), "--trust-domain", "example.test");
        String original = Files.readString(dir.resolve("ca.pem"));

        int rejected = run("init", "--dir", ca(), "--trust-domain", "example.test");
        String afterRejection = Files.readString(dir.resolve("ca.pem"));
        int forced = run("init", "--dir", ca(), "--trust-domain", "example.test", "--force");

        assertThat(rejected).isEqualTo(1);
        assertThat(err.toString()).contains("already exists").contains("--force");
        assertThat(afterRejection).isEqualTo(original);
        assertThat(forced).isZero();
        assertThat(Files.readString(dir.resolve("ca.pem"))).isNotEqualTo(original);
    }

    @Test
    void issueWithoutCaNamesInit() {
        int exitCode = run("issue", "--dir", ca(), "--role", "publisher", "--name", "pub-1");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).contains("CA not found").contains("pki init");
    }

    @Test
    void helpListsOptionsWithUnits() {
        int exitCode = run("issue", "--help");

        assertThat(exitCode).isZero();
        assertThat(out.toString()).contains("--validity").contains("d (days)")
                .contains("--device");
    }
}
