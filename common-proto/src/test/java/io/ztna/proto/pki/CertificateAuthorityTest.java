package io.ztna.proto.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ztna.proto.tls.PeerIdentity;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.SpiffeId;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    private static final String TRUST_DOMAIN = "example.test";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;
    private static final int SAN_IP = 7;

    @TempDir
    Path dir;

    @Test
    void issuedLeafPassesOpensslVerify() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(TRUST_DOMAIN);
        ca.write(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
        IssuedCertificate leaf = ca.issue(LeafRequest.builder(
                SpiffeId.user(TRUST_DOMAIN, "alice@example.com", "laptop-1")).build());
        leaf.write(dir.resolve("leaf.pem"), dir.resolve("leaf-key.pem"));

        OpenSslVerify result = OpenSslVerify.run(dir.resolve("ca.pem"), dir.resolve("leaf.pem"));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).endsWith("OK");
    }

    @Test
    void leafOfOtherCaFailsOpensslVerify() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(TRUST_DOMAIN);
        CertificateAuthority other = CertificateAuthority.create(TRUST_DOMAIN);
        ca.write(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
        IssuedCertificate leaf = other.issue(LeafRequest.builder(
                SpiffeId.workload(TRUST_DOMAIN, PeerRole.PUBLISHER, "pub-1")).build());
        leaf.write(dir.resolve("leaf.pem"), dir.resolve("leaf-key.pem"));

        OpenSslVerify result = OpenSslVerify.run(dir.resolve("ca.pem"), dir.resolve("leaf.pem"));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).doesNotEndWith("OK");
    }

    @Test
    void caCertificateHasCaExtensions() throws Exception {
        Instant before = Instant.now();
        X509Certificate ca = CertificateAuthority.create(TRUST_DOMAIN).certificate();

        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getCriticalExtensionOIDs())
                .contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        boolean[] keyUsage = ca.getKeyUsage();
        assertThat(keyUsage[5]).as("keyCertSign").isTrue();
        assertThat(keyUsage[6]).as("cRLSign").isTrue();
        assertThat(keyUsage[0]).as("digitalSignature").isFalse();
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=example.test,O=ztna");
        assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(ca.getNotBefore().toInstant())
                .isBeforeOrEqualTo(before.minus(Duration.ofMinutes(4)));
        assertThat(ca.getNotAfter().toInstant())
                .isAfter(before.plus(Duration.ofDays(3650)));
        assertThat(ca.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
    }

    @Test
    void leafHasSpiffeUriSanAndUsages() throws Exception {
        SpiffeId id = SpiffeId.user(TRUST_DOMAIN, "alice@example.com", "laptop-1");
        Instant before = Instant.now();
        X509Certificate leaf = CertificateAuthority.create(TRUST_DOMAIN)
                .issue(LeafRequest.builder(id).build()).certificate();

        assertThat(leaf.getSubjectAlternativeNames())
                .containsExactly(List.of(SAN_URI, "spiffe://example.test/user/alice@example.com"
                        + "/device/laptop-1"));
        assertThat(PeerIdentity.of(leaf)).isEqualTo(id);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
        boolean[] keyUsage = leaf.getKeyUsage();
        assertThat(keyUsage[0]).as("digitalSignature").isTrue();
        assertThat(keyUsage[5]).as("keyCertSign").isFalse();
        assertThat(leaf.getCriticalExtensionOIDs()).contains(Extension.keyUsage.getId());
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(leaf.getNotBefore().toInstant())
                .isBeforeOrEqualTo(before.minus(Duration.ofMinutes(4)));
        assertThat(Duration.between(before, leaf.getNotAfter().toInstant()))
                .isBetween(Duration.ofDays(365).minusMinutes(1),
                        Duration.ofDays(365).plusMinutes(1));
    }

    @Test
    void leafHasKeyIdentifiersAndRandomSerial() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(TRUST_DOMAIN);
        LeafRequest request = LeafRequest.builder(
                SpiffeId.workload(TRUST_DOMAIN, PeerRole.PUBLISHER, "pub-1")).build();
        X509Certificate first = ca.issue(request).certificate();
        X509Certificate second = ca.issue(request).certificate();

        assertThat(first.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
        assertThat(first.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNotNull();
        assertThat(first.getSerialNumber().signum()).isPositive();
        assertThat(first.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
        assertThat(first.getSerialNumber()).isNotEqualTo(second.getSerialNumber());
        assertThat(first.getPublicKey()).isNotEqualTo(second.getPublicKey());
    }

    @Test
    void leafCarriesDnsAndIpSans() throws Exception {
        SpiffeId id = SpiffeId.workload(TRUST_DOMAIN, PeerRole.CLIENT_GATEWAY, "cg-1");
        X509Certificate leaf = CertificateAuthority.create(TRUST_DOMAIN)
                .issue(LeafRequest.builder(id)
                        .dnsName("cg-1.example.test")
                        .ipAddress(InetAddress.getByName("127.0.0.1"))
                        .ipAddress(InetAddress.getByName("::1"))
                        .validity(Duration.ofDays(30))
                        .build())
                .certificate();

        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(
                List.of(SAN_URI, "spiffe://example.test/client-gateway/cg-1"),
                List.of(SAN_DNS, "cg-1.example.test"),
                List.of(SAN_IP, "127.0.0.1"),
                List.of(SAN_IP, "0:0:0:0:0:0:0:1"));
        assertThat(leaf.getNotAfter().toInstant())
                .isBefore(Instant.now().plus(Duration.ofDays(30)).plusSeconds(1));
    }

    @Test
    void writtenKeyIsPrivateAndCaReloads() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(TRUST_DOMAIN);
        Path certificateFile = dir.resolve("ca.pem");
        Path keyFile = dir.resolve("ca-key.pem");
        ca.write(certificateFile, keyFile);

        CertificateAuthority loaded = CertificateAuthority.load(certificateFile, keyFile);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(keyFile)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(loaded.trustDomain()).isEqualTo(TRUST_DOMAIN);
        assertThat(loaded.certificate()).isEqualTo(ca.certificate());
        X509Certificate leaf = loaded.issue(LeafRequest.builder(
                SpiffeId.workload(TRUST_DOMAIN, PeerRole.PUBLISHER, "pub-1")).build())
                .certificate();
        leaf.verify(ca.certificate().getPublicKey());
    }

    @Test
    void loadRejectsKeyOfAnotherCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(TRUST_DOMAIN);
        CertificateAuthority other = CertificateAuthority.create(TRUST_DOMAIN);
        ca.write(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
        other.write(dir.resolve("other.pem"), dir.resolve("other-key.pem"));

        assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("ca.pem"),
                dir.resolve("other-key.pem")))
                .hasMessageContaining("does not match")
                .hasMessageContaining("other-key.pem");
    }

    @Test
    void issueRejectsIdOfOtherTrustDomain() {
        CertificateAuthority ca = CertificateAuthority.create(TRUST_DOMAIN);
        LeafRequest request = LeafRequest.builder(
                SpiffeId.workload("other.test", PeerRole.PUBLISHER, "pub-1")).build();

        assertThatThrownBy(() -> ca.issue(request))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spiffe://other.test/publisher/pub-1")
                .hasMessageContaining(TRUST_DOMAIN);
    }

    @Test
    void issueRejectsValidityBeyondCaExpiry() {
        CertificateAuthority ca = CertificateAuthority.create(TRUST_DOMAIN);
        LeafRequest request = LeafRequest.builder(
                SpiffeId.workload(TRUST_DOMAIN, PeerRole.PUBLISHER, "pub-1"))
                .validity(Duration.ofDays(20 * 365))
                .build();

        assertThatThrownBy(() -> ca.issue(request))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after the CA expires");
    }

    @Test
    void builderRejectsInvalidDnsName() {
        LeafRequest.Builder builder = LeafRequest.builder(
                SpiffeId.workload(TRUST_DOMAIN, PeerRole.PUBLISHER, "pub-1"));

        assertThatThrownBy(() -> builder.dnsName("bad name.example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad name.example'");
    }
}
