package io.ztna.proto.pki;

import io.ztna.proto.tls.Revocation;
import io.ztna.proto.tls.VerifiedCrl;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.cert.CRLException;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * A CA's CRL file: one PEM X.509 v2 CRL, signed by the CA, that lists the certificates it
 * revoked.
 *
 * <p>Every change signs a new CRL with the next CRL number and fresh dates and renames it over
 * the old file, so a reader never sees half a file. Changes hold an exclusive lock on a file
 * next to the CRL, {@code .NAME.lock}, so that two {@code pki} processes on one directory do
 * not lose an entry. Two threads of one JVM must not change the same file at once, because
 * file locks are held per process.
 */
public final class CrlFile {
    private final Path file;
    private final CertificateAuthority ca;

    /** Creates the CRL file of {@code ca} at {@code file}, which need not exist yet. */
    public CrlFile(Path file, CertificateAuthority ca) {
        this.file = Objects.requireNonNull(file, "file");
        this.ca = Objects.requireNonNull(ca, "ca");
    }

    /** Returns the path of the CRL. */
    public Path file() {
        return file;
    }

    /**
     * Returns the current CRL, or empty if the file does not exist.
     *
     * @throws IOException if the file cannot be read or is not one CRL signed by this CA; the
     *     message names the file
     */
    public Optional<VerifiedCrl> read() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<VerifiedCrl> crls = VerifiedCrl.readAll(file, List.of(ca.certificate()));
        if (crls.size() != 1) {
            throw new IOException("CRL file " + file + " contains " + crls.size()
                    + " CRLs (expected 1, as written by 'pki crl')");
        }
        return Optional.of(crls.get(0));
    }

    /**
     * Signs an empty CRL with number 1 and replaces the file with it, whatever it held before.
     * This is the CRL of a new CA.
     *
     * @throws IOException if the file cannot be written
     */
    public VerifiedCrl create(Duration nextUpdateAfter) throws IOException {
        try (FileChannel lockFile = openLockFile(); FileLock lock = lockFile.lock()) {
            return write(List.of(), BigInteger.ONE, nextUpdateAfter);
        }
    }

    /**
     * Signs the current entries again with the next CRL number and fresh dates, or signs an
     * empty CRL with number 1 if the file does not exist.
     *
     * @throws IOException if the current file is invalid or the new one cannot be written
     */
    public VerifiedCrl sign(Duration nextUpdateAfter) throws IOException {
        try (FileChannel lockFile = openLockFile(); FileLock lock = lockFile.lock()) {
            Optional<VerifiedCrl> current = read();
            return write(entries(current), nextNumber(current), nextUpdateAfter);
        }
    }

    /**
     * Adds the certificate to the CRL with the current time and {@code reason}, and signs it
     * with the next CRL number. A certificate that the CRL lists already is left as it is.
     *
     * @throws IllegalArgumentException if this CA did not issue the certificate; the message
     *     names the expected and the found issuer
     * @throws IOException if the current file is invalid or the new one cannot be written
     */
    public RevocationResult revoke(X509Certificate certificate, CRLReason reason,
            Duration nextUpdateAfter) throws IOException {
        checkIssuedByCa(certificate);
        try (FileChannel lockFile = openLockFile(); FileLock lock = lockFile.lock()) {
            Optional<VerifiedCrl> current = read();
            Revocation existing = current.map(crl -> crl.find(certificate)).orElse(null);
            if (existing != null) {
                return new RevocationResult(existing, current.get(), true);
            }
            // CRLs store the revocation date to the second, so store exactly what they can hold.
            Instant now = ca.clock().instant().truncatedTo(ChronoUnit.SECONDS);
            Revocation revocation = new Revocation(certificate.getSerialNumber(), now, reason);
            List<Revocation> entries = entries(current);
            entries.add(revocation);
            VerifiedCrl written = write(entries, nextNumber(current), nextUpdateAfter);
            return new RevocationResult(revocation, written, false);
        }
    }

    private VerifiedCrl write(List<Revocation> entries, BigInteger crlNumber,
            Duration nextUpdateAfter) throws IOException {
        X509CRL crl = ca.signCrl(entries, crlNumber, nextUpdateAfter);
        VerifiedCrl verified;
        try {
            verified = VerifiedCrl.verify(crl, List.of(ca.certificate()));
        } catch (CRLException e) {
            throw new IllegalStateException("the CA signed a CRL it cannot verify: " + e, e);
        }
        PemFiles.writeCrl(file, crl);
        return verified;
    }

    private static List<Revocation> entries(Optional<VerifiedCrl> current) {
        return new ArrayList<>(current.map(VerifiedCrl::revocations).map(Map::values)
                .orElse(List.of()));
    }

    /** Returns the current CRL number plus one; a missing file or number counts as 0. */
    private static BigInteger nextNumber(Optional<VerifiedCrl> current) {
        BigInteger number = current.map(VerifiedCrl::crlNumber).orElse(null);
        return (number == null ? BigInteger.ZERO : number).add(BigInteger.ONE);
    }

    private FileChannel openLockFile() throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path lockFile = absolute.resolveSibling("." + absolute.getFileName() + ".lock");
        return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /**
     * Checks that the CA's name is the certificate's issuer and the CA's key signed it. The key
     * check catches a certificate of an earlier CA made with {@code pki init --force}, which
     * has the same name.
     */
    private void checkIssuedByCa(X509Certificate certificate) {
        X509Certificate caCertificate = ca.certificate();
        X500Principal expected = caCertificate.getSubjectX500Principal();
        X500Principal found = certificate.getIssuerX500Principal();
        String serial = Revocation.hexSerial(certificate.getSerialNumber());
        String described = "certificate serial " + serial + " ("
                + Revocation.describe(certificate) + ")";
        if (!found.equals(expected)) {
            throw new IllegalArgumentException(described + " was not issued by this CA:"
                    + " expected issuer " + expected.getName() + ", found issuer "
                    + found.getName());
        }
        try {
            certificate.verify(caCertificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(described + " was not issued by this CA:"
                    + " expected issuer " + expected.getName() + " with key id "
                    + subjectKeyId(caCertificate) + ", found issuer " + found.getName()
                    + " with key id " + authorityKeyId(certificate)
                    + " (same name, other key, as after 'pki init --force')");
        }
    }

    private static String subjectKeyId(X509Certificate certificate) {
        byte[] value = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (value == null) {
            return "none";
        }
        try {
            return hex(SubjectKeyIdentifier.getInstance(
                    JcaX509ExtensionUtils.parseExtensionValue(value)).getKeyIdentifier());
        } catch (IOException | IllegalArgumentException e) {
            return "invalid";
        }
    }

    private static String authorityKeyId(X509Certificate certificate) {
        byte[] value = certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId());
        if (value == null) {
            return "none";
        }
        try {
            byte[] keyId = AuthorityKeyIdentifier.getInstance(
                    JcaX509ExtensionUtils.parseExtensionValue(value)).getKeyIdentifier();
            return keyId == null ? "none" : hex(keyId);
        } catch (IOException | IllegalArgumentException e) {
            return "invalid";
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(bytes);
    }
}
