package io.ztna.lab;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs a system tool such as {@code ip} or {@code nft} with a time limit. */
final class SystemCommand {

    private static final long TIMEOUT_SECONDS = 20;

    private SystemCommand() {
    }

    /** The exit code and the standard output and error of a finished command, merged. */
    record Result(int exitCode, String output) {
    }

    /**
     * Runs {@code command} and returns its result. Kills it after 20 s, which no tool the
     * tests run should need.
     *
     * @throws IOException when the command cannot start or does not finish in time
     */
    static Result run(List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("ztna-command", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " timed out after "
                        + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Runs {@code command} and returns its output, failing when it exits with another code. */
    static String check(String... command) throws IOException, InterruptedException {
        Result result = run(List.of(command));
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code "
                    + result.exitCode() + ": " + result.output().strip());
        }
        return result.output();
    }

    /**
     * Skips the calling test when {@code command} cannot run or fails, unless the environment
     * variable {@code CI} is set, which makes the test fail instead.
     *
     * @param need what the test needs, for the message, such as "root and the ip tool"
     */
    static void require(String need, String... command) throws InterruptedException {
        String problem;
        try {
            Result result = run(List.of(command));
            if (result.exitCode() == 0) {
                return;
            }
            problem = String.join(" ", command) + " exited with " + result.exitCode() + ": "
                    + result.output().strip();
        } catch (IOException e) {
            problem = String.join(" ", command) + " failed: " + e.getMessage();
        }
        String message = "this test needs " + need + " (" + problem + ")";
        if (System.getenv("CI") != null) {
            fail(message + " but CI is set");
        }
        Assumptions.abort(message);
    }
}
