package io.ztna.proto.testing;

import io.ztna.proto.pki.CertificateAuthority;
import io.ztna.proto.pki.CrlFile;
import io.ztna.proto.pki.IssuedCertificate;
import io.ztna.proto.pki.LeafRequest;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.Revocation;
import io.ztna.proto.tls.SpiffeId;
import io.ztna.proto.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * A CA in a test's directory that issues certificates on demand and returns them as
 * {@link TlsConfig}s.
 *
 * <p>Typical use, with JUnit's {@code @TempDir}:
 * <pre>
 * TestPki pki = TestPki.create(tempDir);
 * TlsConfig gateway = pki.workload(PeerRole.CLIENT_GATEWAY, "cg-1");
 * TlsConfig alice = pki.user("alice@example.com", "laptop-1");
 * </pre>
 * Files are named after the id, so issuing the same id twice replaces the first certificate.
 * {@link #revoke} and {@link #signCrl()} keep the CA's CRL in {@code crl.pem}, as
 * {@code bin/pki} does.
 */
public final class TestPki {
    /** The trust domain of {@link #create(Path)}. */
    public static final String TRUST_DOMAIN = "example.test";
    /** The time from signing a CRL to its nextUpdate. */
    public static final Duration CRL_VALIDITY = Duration.ofDays(7);

    private final Path dir;
    private final CertificateAuthority ca;
    private final Path caFile;

    private TestPki(Path dir, CertificateAuthority ca, Path caFile) {
        this.dir = dir;
        this.ca = ca;
        this.caFile = caFile;
    }

    /** Creates a CA for {@link #TRUST_DOMAIN} whose files go to {@code dir}. */
    public static TestPki create(Path dir) {
        return create(dir, TRUST_DOMAIN);
    }

    /** Creates a CA for the trust domain whose files go to {@code dir}. */
    public static TestPki create(Path dir, String trustDomain) {
        CertificateAuthority ca = CertificateAuthority.create(trustDomain);
        Path caFile = dir.resolve("ca.pem");
        try {
            ca.write(caFile, dir.resolve("ca-key.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestPki(dir, ca, caFile);
    }

    /** Returns the CA, for example to issue certificates with other dates. */
    public CertificateAuthority ca() {
        return ca;
    }

    /** Returns the PEM file of the CA certificate. */
    public Path caFile() {
        return caFile;
    }

    /** Returns the trust domain. */
    public String trustDomain() {
        return ca.trustDomain();
    }

    /** Returns the CRL file, {@code crl.pem} next to the CA file; see {@link #signCrl()}. */
    public Path crlFile() {
        return dir.resolve("crl.pem");
    }

    /** Signs the CRL again, or an empty one if there is none, and returns its file. */
    public Path signCrl() {
        try {
            new CrlFile(crlFile(), ca).sign(CRL_VALIDITY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return crlFile();
    }

    /** Adds the certificate of {@code holder} to the CRL and returns its entry. */
    public Revocation revoke(TlsConfig holder, CRLReason reason) {
        try {
            return new CrlFile(crlFile(), ca)
                    .revoke(certificate(holder), reason, CRL_VALIDITY)
                    .revocation();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the leaf certificate of {@code holder}. */
    public static X509Certificate certificate(TlsConfig holder) {
        try (InputStream in = Files.newInputStream(holder.certificateChainFile())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Issues a certificate for a user's device. */
    public TlsConfig user(String email, String device) {
        return issue(SpiffeId.user(trustDomain(), email, device));
    }

    /** Issues a certificate for a publisher or gateway. */
    public TlsConfig workload(PeerRole role, String id) {
        return issue(SpiffeId.workload(trustDomain(), role, id));
    }

    /**
     * Issues a certificate for the role with a fixed name: {@code alice@example.com} on device
     * {@code laptop-1} for users, {@code ROLE-1} otherwise.
     */
    public TlsConfig forRole(PeerRole role) {
        return role == PeerRole.USER
                ? user("alice@example.com", "laptop-1")
                : workload(role, role.wireName() + "-1");
    }

    /** Issues a certificate for the id with the default validity. */
    public TlsConfig issue(SpiffeId id) {
        return issue(ca, LeafRequest.builder(id).build());
    }

    /** Issues a certificate from {@code issuer}, such as this CA with another clock. */
    public TlsConfig issue(CertificateAuthority issuer, LeafRequest request) {
        IssuedCertificate issued = issuer.issue(request);
        SpiffeId id = issued.id();
        String base = id.role().wireName() + "-" + id.name()
                + (id.device() == null ? "" : "-" + id.device());
        Path chainFile = dir.resolve(base + ".pem");
        Path keyFile = dir.resolve(base + "-key.pem");
        try {
            issued.write(chainFile, keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TlsConfig(chainFile, keyFile, caFile, trustDomain());
    }
}
