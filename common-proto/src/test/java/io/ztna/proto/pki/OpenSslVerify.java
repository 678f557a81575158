package io.ztna.proto.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs {@code /usr/bin/openssl verify -CAfile CA LEAF} and returns its exit code and output. */
record OpenSslVerify(int exitCode, String output) {
    private static final long TIMEOUT_SECONDS = 30;

    static OpenSslVerify run(Path caFile, Path leafFile) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("/usr/bin/openssl", "verify", "-CAfile",
                caFile.toString(), leafFile.toString())
                .redirectErrorStream(true)
                .start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("openssl verify timed out after " + TIMEOUT_SECONDS + "s");
        }
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        return new OpenSslVerify(process.exitValue(), output.trim());
    }
}
