package io.ztna.proto.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code /usr/bin/openssl} with arguments and returns its exit code and merged output. */
record OpenSslProcess(int exitCode, String output) {
    private static final long TIMEOUT_SECONDS = 30;

    static OpenSslProcess run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("/usr/bin/openssl");
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("openssl " + arguments[0] + " timed out after "
                    + TIMEOUT_SECONDS + "s");
        }
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        return new OpenSslProcess(process.exitValue(), output.trim());
    }
}
