package io.ztna.proto.pki;

import io.ztna.proto.tls.Revocation;
import io.ztna.proto.tls.VerifiedCrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pki revoke}: adds a certificate to the CRL of the CA in DIR. */
@Command(name = "revoke", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Adds a certificate's serial to DIR/crl.pem and signs it with the next CRL"
                + " number. A certificate that is already revoked is left as it is.")
final class RevokeCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Directory holding ca.pem and ca-key.pem, made by 'pki init'.")
    private Path dir;

    @Option(names = "--cert", required = true, paramLabel = "CERT",
            description = "PEM file of the certificate to revoke, such as one written by"
                    + " 'pki issue'; the first certificate in the file is revoked.")
    private Path certificateFile;

    @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified",
            converter = CliConverters.Reason.class,
            description = "Reason code in the CRL: key-compromise, superseded,"
                    + " cessation-of-operation or unspecified; default ${DEFAULT-VALUE}.")
    private CRLReason reason;

    @Mixin
    private NextUpdateOption nextUpdate;

    @Override
    public Integer call() throws Exception {
        CertificateAuthority ca = CaDirectory.load(dir);
        if (!Files.isRegularFile(certificateFile)) {
            throw new PkiException("certificate file not found: " + certificateFile
                    + " (expected a PEM certificate, such as one written by 'pki issue')");
        }
        X509Certificate certificate = PemFiles.readCertificates(certificateFile).get(0);
        CrlFile crlFile = new CrlFile(dir.resolve(CaDirectory.CRL_FILE), ca);
        RevocationResult result = crlFile.revoke(certificate, reason, nextUpdate.nextUpdate);
        Revocation revocation = result.revocation();
        VerifiedCrl crl = result.crl();
        String serial = Revocation.hexSerial(revocation.serial());
        String id = Revocation.describe(certificate);
        if (result.alreadyRevoked()) {
            spec.commandLine().getOut().printf("certificate already revoked, CRL unchanged:"
                            + " serial=%s id=%s revokedAt=%s reason=%s crlNumber=%s crl=%s%n",
                    serial, id, revocation.revokedAt(), revocation.reasonName(),
                    crl.crlNumber(), crlFile.file());
        } else {
            spec.commandLine().getOut().printf("revoked certificate: serial=%s id=%s reason=%s"
                            + " crlNumber=%s nextUpdate=%s crl=%s%n",
                    serial, id, revocation.reasonName(), crl.crlNumber(), crl.nextUpdate(),
                    crlFile.file());
        }
        return 0;
    }
}
