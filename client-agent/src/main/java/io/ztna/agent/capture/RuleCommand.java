package io.ztna.agent.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a firewall tool such as {@code nft -f -} without a shell, with the ruleset on standard
 * input, and waits for it. Standard output and error go to a temporary file, not a pipe, so a
 * tool that writes much cannot block on a full pipe.
 */
final class RuleCommand {

    /** Time a firewall tool gets before it is killed; loading a ruleset takes milliseconds. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_OUTPUT_BYTES = 64 * 1024;

    private RuleCommand() {
    }

    /**
     * Runs {@code argv} with {@code input} on standard input and returns what it printed.
     *
     * @throws IOException when the tool cannot be started, runs longer than {@link #TIMEOUT},
     *     or exits with another code than 0; the message names the command, the exit code and
     *     the tool's output
     * @throws InterruptedException after killing the tool, when the thread was interrupted
     */
    static String run(List<String> argv, String input) throws IOException, InterruptedException {
        Path output = Files.createTempFile("ztna-capture-", ".out");
        try {
            Process process = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.to(output.toFile()))
                    .start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // The tool exited before reading its input; its exit code and output tell why.
            }
            boolean exited;
            try {
                exited = process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                throw e;
            }
            if (!exited) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " timed out after "
                        + TIMEOUT.toSeconds() + " s");
            }
            String printed = read(output);
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", argv) + " failed with exit code "
                        + process.exitValue() + ": " + printed.strip());
            }
            return printed;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String read(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
        }
    }
}
