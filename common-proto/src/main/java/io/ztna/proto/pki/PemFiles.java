package io.ztna.proto.pki;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reads and writes certificates and private keys, and writes CRLs, as PEM files.
 *
 * <p>Writes go to a temporary file in the target directory that is then renamed over the target,
 * so a reader never sees half a file. Private keys are written unencrypted as PKCS#8
 * ({@code BEGIN PRIVATE KEY}) with mode 0600 on POSIX file systems, certificates and CRLs with
 * mode 0644.
 */
final class PemFiles {
    private PemFiles() {
    }

    static void writeCertificates(Path file, List<X509Certificate> certificates)
            throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        }
        write(file, text.toString(), "rw-r--r--");
    }

    static void writeCrl(Path file, X509CRL crl) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(crl);
        }
        write(file, text.toString(), "rw-r--r--");
    }

    static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        }
        write(file, text.toString(), "rw-------");
    }

    /**
     * Reads every certificate in a PEM file, skipping other PEM objects.
     *
     * @throws IOException if the file cannot be read or contains no certificate
     */
    static List<X509Certificate> readCertificates(Path file) throws IOException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(file))) {
            for (Object object = parser.readObject(); object != null;
                    object = parser.readObject()) {
                if (object instanceof X509CertificateHolder) {
                    certificates.add(converter.getCertificate((X509CertificateHolder) object));
                }
            }
        } catch (CertificateException e) {
            throw new IOException("invalid certificate in " + file + ": " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IOException("no certificate in PEM file " + file);
        }
        return certificates;
    }

    /**
     * Reads the first unencrypted private key of a PEM file, in PKCS#8 or SEC 1 form.
     *
     * @throws IOException if the file cannot be read or contains no unencrypted private key
     */
    static PrivateKey readPrivateKey(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(file))) {
            for (Object object = parser.readObject(); object != null;
                    object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo) {
                    return converter.getPrivateKey((PrivateKeyInfo) object);
                }
                if (object instanceof PEMKeyPair) {
                    return converter.getKeyPair((PEMKeyPair) object).getPrivate();
                }
            }
        }
        throw new IOException("no unencrypted private key in PEM file " + file);
    }

    private static void write(Path file, String text, String permissions) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        boolean posix = Files.getFileStore(directory).supportsFileAttributeView("posix");
        // createTempFile makes the file with mode 0600 on POSIX, before any key byte is written.
        Path temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
        try {
            Files.write(temporary, text.getBytes(StandardCharsets.US_ASCII));
            if (posix) {
                Files.setPosixFilePermissions(temporary,
                        PosixFilePermissions.fromString(permissions));
            }
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
