package io.ztna.proto.pki;

import io.ztna.proto.tls.VerifiedCrl;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pki crl}: signs the CRL of the CA in DIR again with fresh dates. */
@Command(name = "crl", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Signs DIR/crl.pem again with the same entries, fresh dates and the next"
                + " CRL number, or creates an empty CRL if there is none. Run it before the"
                + " CRL's nextUpdate passes.")
final class CrlCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Directory holding ca.pem and ca-key.pem, made by 'pki init'.")
    private Path dir;

    @Mixin
    private NextUpdateOption nextUpdate;

    @Override
    public Integer call() throws Exception {
        CertificateAuthority ca = CaDirectory.load(dir);
        CrlFile crlFile = new CrlFile(dir.resolve(CaDirectory.CRL_FILE), ca);
        VerifiedCrl crl = crlFile.sign(nextUpdate.nextUpdate);
        spec.commandLine().getOut().printf("signed CRL: crlNumber=%s revoked=%d nextUpdate=%s"
                        + " crl=%s%n", crl.crlNumber(), crl.revocations().size(),
                crl.nextUpdate(), crlFile.file());
        return 0;
    }
}
