package io.ztna.proto.pki;

import io.ztna.proto.tls.SpiffeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pki init}: creates DIR/ca.pem and DIR/ca-key.pem for a trust domain, and an empty CRL
 * in DIR/crl.pem.
 */
@Command(name = "init", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Creates a CA (ECDSA P-256, valid 10 years) in DIR/ca.pem and"
                + " DIR/ca-key.pem, and its empty CRL in DIR/crl.pem.")
final class InitCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Directory for the CA files; created if missing.")
    private Path dir;

    @Option(names = "--trust-domain", required = true, paramLabel = "TD",
            description = "SPIFFE trust domain of all issued ids: lowercase letters, digits,"
                    + " '.', '-' and '_', for example example.org.")
    private String trustDomain;

    @Option(names = "--force",
            description = "Replace an existing CA and its CRL in DIR. Certificates it issued"
                    + " stop working.")
    private boolean force;

    @Mixin
    private NextUpdateOption nextUpdate;

    @Override
    public Integer call() throws Exception {
        try {
            SpiffeId.checkTrustDomain(trustDomain);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--trust-domain: " + e.getMessage());
        }
        Path certificateFile = dir.resolve(CaDirectory.CA_CERTIFICATE_FILE);
        Path keyFile = dir.resolve(CaDirectory.CA_KEY_FILE);
        if (!force && (Files.exists(certificateFile) || Files.exists(keyFile))) {
            throw new PkiException("a CA already exists in " + dir
                    + " (pass --force to replace it; certificates it issued stop working)");
        }
        CertificateAuthority ca = CertificateAuthority.create(trustDomain);
        ca.write(certificateFile, keyFile);
        CrlFile crlFile = new CrlFile(dir.resolve(CaDirectory.CRL_FILE), ca);
        crlFile.create(nextUpdate.nextUpdate);
        spec.commandLine().getOut().printf("created CA: trustDomain=%s certificate=%s key=%s"
                + " crl=%s%n", trustDomain, certificateFile, keyFile, crlFile.file());
        return 0;
    }
}
