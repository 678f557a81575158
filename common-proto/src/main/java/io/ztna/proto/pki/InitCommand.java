package io.ztna.proto.pki;

import io.ztna.proto.tls.SpiffeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pki init}: creates DIR/ca.pem and DIR/ca-key.pem for a trust domain. */
@Command(name = "init", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Creates a CA (ECDSA P-256, valid 10 years) in DIR/ca.pem and"
                + " DIR/ca-key.pem.")
final class InitCommand implements Callable<Integer> {
    static final String CA_CERTIFICATE_FILE = "ca.pem";
    static final String CA_KEY_FILE = "ca-key.pem";

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
            description = "Replace an existing CA in DIR. Certificates it issued stop working.")
    private boolean force;

    @Override
    public Integer call() throws Exception {
        try {
            SpiffeId.checkTrustDomain(trustDomain);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--trust-domain: " + e.getMessage());
        }
        Path certificateFile = dir.resolve(CA_CERTIFICATE_FILE);
        Path keyFile = dir.resolve(CA_KEY_FILE);
        if (!force && (Files.exists(certificateFile) || Files.exists(keyFile))) {
            throw new PkiException("a CA already exists in " + dir
                    + " (pass --force to replace it; certificates it issued stop working)");
        }
        CertificateAuthority ca = CertificateAuthority.create(trustDomain);
        ca.write(certificateFile, keyFile);
        spec.commandLine().getOut().printf("created CA: trustDomain=%s certificate=%s key=%s%n",
                trustDomain, certificateFile, keyFile);
        return 0;
    }
}
