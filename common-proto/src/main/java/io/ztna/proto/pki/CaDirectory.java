package io.ztna.proto.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files of a CA directory made by {@code pki init}: ca.pem, ca-key.pem and crl.pem. */
final class CaDirectory {
    static final String CA_CERTIFICATE_FILE = "ca.pem";
    static final String CA_KEY_FILE = "ca-key.pem";
    static final String CRL_FILE = "crl.pem";

    private CaDirectory() {
    }

    /**
     * Loads the CA in {@code dir}.
     *
     * @throws PkiException if ca.pem or ca-key.pem is missing; the message names 'pki init'
     * @throws IOException if a file is invalid or the key does not match the certificate
     */
    static CertificateAuthority load(Path dir) throws IOException, PkiException {
        Path certificateFile = dir.resolve(CA_CERTIFICATE_FILE);
        Path keyFile = dir.resolve(CA_KEY_FILE);
        if (!Files.exists(certificateFile) || !Files.exists(keyFile)) {
            throw new PkiException("CA not found: " + certificateFile + " or " + keyFile
                    + " is missing (run 'pki init --dir " + dir + " --trust-domain TD' first)");
        }
        return CertificateAuthority.load(certificateFile, keyFile);
    }
}
