package io.ztna.proto.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnCertificateTest {

    @TempDir
    Path dir;

    @Test
    void matchingRoleAndKeyAccepted() throws Exception {
        TestPki pki = TestPki.create(dir);
        TlsConfig gateway = pki.workload(PeerRole.PUBLISHER_GATEWAY, "pg-1");

        assertThat(OwnCertificate.check(dir.resolve("pg.yaml"), gateway,
                PeerRole.PUBLISHER_GATEWAY).name()).isEqualTo("pg-1");
    }

    @Test
    void otherRoleRejected() {
        TestPki pki = TestPki.create(dir);
        TlsConfig publisher = pki.workload(PeerRole.PUBLISHER, "pub-1");

        assertThatThrownBy(() -> OwnCertificate.check(dir.resolve("pg.yaml"), publisher,
                PeerRole.PUBLISHER_GATEWAY))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pg.yaml: tls.certificate: ")
                .hasMessageContaining("is a publisher certificate")
                .hasMessageEndingWith("expected a publisher-gateway certificate");
    }

    @Test
    void foreignKeyRejected() {
        TestPki pki = TestPki.create(dir);
        TlsConfig gateway = pki.workload(PeerRole.PUBLISHER_GATEWAY, "pg-1");
        TlsConfig publisher = pki.workload(PeerRole.PUBLISHER, "pub-1");
        TlsConfig mixed = new TlsConfig(gateway.certificateChainFile(), publisher.privateKeyFile(),
                gateway.caFile(), gateway.trustDomain());

        assertThatThrownBy(() -> OwnCertificate.check(dir.resolve("pg.yaml"), mixed,
                PeerRole.PUBLISHER_GATEWAY))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("pg.yaml") + ": tls.privateKey: "
                        + publisher.privateKeyFile() + " does not belong to the certificate "
                        + gateway.certificateChainFile());
    }

    @Test
    void validCrlAccepted() throws Exception {
        TestPki pki = TestPki.create(dir);
        TlsConfig gateway = pki.workload(PeerRole.PUBLISHER_GATEWAY, "pg-1")
                .withCrl(pki.signCrl());

        assertThat(OwnCertificate.check(dir.resolve("pg.yaml"), gateway,
                PeerRole.PUBLISHER_GATEWAY).name()).isEqualTo("pg-1");
    }

    @Test
    void missingCrlRejected() {
        TestPki pki = TestPki.create(dir);
        Path missing = dir.resolve("missing-crl.pem");
        TlsConfig gateway = pki.workload(PeerRole.PUBLISHER_GATEWAY, "pg-1").withCrl(missing);

        assertThatThrownBy(() -> OwnCertificate.check(dir.resolve("pg.yaml"), gateway,
                PeerRole.PUBLISHER_GATEWAY))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("pg.yaml") + ": tls.crl: CRL file not found: " + missing
                        + " (expected a PEM X.509 CRL signed by a CA in " + pki.caFile()
                        + ", such as the crl.pem that 'bin/pki crl' writes)");
    }

    @Test
    void crlFieldResolvedAgainstConfigFolder() throws Exception {
        Path file = dir.resolve("tls.yaml");
        Files.writeString(file, String.join("\n",
                "certificate: certs/pg.pem",
                "privateKey: certs/pg-key.pem",
                "ca: certs/ca.pem",
                "trustDomain: example.test",
                "crl: certs/crl.pem",
                ""));

        TlsConfig config = ConfigLoader.load(file, TlsSection.class).toTlsConfig(dir);

        assertThat(config.crlFile()).isEqualTo(dir.resolve("certs/crl.pem"));
        assertThat(config.caFile()).isEqualTo(dir.resolve("certs/ca.pem"));
    }

    @Test
    void crlFieldOptional() throws Exception {
        Path file = dir.resolve("tls.yaml");
        Files.writeString(file, String.join("\n",
                "certificate: pg.pem",
                "privateKey: pg-key.pem",
                "ca: ca.pem",
                "trustDomain: example.test",
                ""));

        TlsConfig config = ConfigLoader.load(file, TlsSection.class).toTlsConfig(dir);

        assertThat(config.crlFile()).isNull();
    }
}
