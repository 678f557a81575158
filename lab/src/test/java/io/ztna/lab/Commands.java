package io.ztna.lab;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs test helper programs such as ip, nft and curl, without a shell. */
final class Commands {

    /** What a finished program returned: its exit code, and stdout and stderr together. */
    record Result(int exitCode, String output) {
    }

    private Commands() {
    }

    /**
     * Runs {@code argv} and waits up to {@code timeoutSeconds}; kills it and throws when it
     * runs longer. Output goes to a file, so a chatty program cannot block on a full pipe.
     */
    static Result run(long timeoutSeconds, String... argv)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("ztna-lab-command-", ".out");
        try {
            Process process = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.to(output.toFile()))
                    .redirectInput(Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IOException(String.join(" ", argv) + " timed out after "
                        + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(),
                    Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Runs {@code argv} for up to 30 s and throws unless it exits with 0; returns its output. */
    static String check(String... argv) throws IOException, InterruptedException {
        Result result = run(30, argv);
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", List.of(argv)) + " failed with exit code "
                    + result.exitCode() + ": " + result.output().strip());
        }
        return result.output();
    }
}
