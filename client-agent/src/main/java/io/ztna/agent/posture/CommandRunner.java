package io.ztna.agent.posture;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program without a shell and waits for it with a timeout. Standard input is empty and
 * standard error is discarded. Standard output goes to a temporary file, not a pipe, so that a
 * descendant that keeps the output open cannot hold the caller past the timeout. At most
 * {@link #MAX_OUTPUT_BYTES} of it are read back.
 *
 * <p>On timeout, or when the waiting thread is interrupted, the process and the descendants it
 * has at that moment are killed (SIGKILL). A descendant that already left the tree, such as a
 * daemon that detached, is not.
 */
final class CommandRunner {

    /** Upper bound on the output returned; the rest of a longer output is ignored. */
    static final int MAX_OUTPUT_BYTES = 1024 * 1024;
    /** Time allowed for a killed process to be reaped. */
    private static final long REAP_TIMEOUT_MILLIS = 2_000;

    /**
     * Outcome of a run that started.
     *
     * @param exitCode the exit status, or -1 after a timeout
     * @param timedOut whether the process was killed because the timeout passed
     * @param output standard output as UTF-8, at most {@link #MAX_OUTPUT_BYTES}, or empty when
     *     not captured
     */
    record Result(int exitCode, boolean timedOut, String output) {

        boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }

    /**
     * Runs {@code argv} and returns its output, or discards the output when
     * {@code captureOutput} is false.
     *
     * @throws IOException when the program cannot be started, for example when it is not found
     * @throws InterruptedException after killing the process tree, when the thread was
     *     interrupted while waiting
     */
    Result run(List<String> argv, Duration timeout, boolean captureOutput)
            throws IOException, InterruptedException {
        Path output = captureOutput ? Files.createTempFile("ztna-posture-", ".out") : null;
        try {
            Redirect stdout = output == null ? Redirect.DISCARD : Redirect.to(output.toFile());
            Process process = new ProcessBuilder(argv)
                    .redirectInput(Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectError(Redirect.DISCARD)
                    .redirectOutput(stdout)
                    .start();
            boolean exited;
            try {
                exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                killTree(process);
                throw e;
            }
            if (!exited) {
                killTree(process);
                return new Result(-1, true, "");
            }
            return new Result(process.exitValue(), false,
                    output == null ? "" : readBounded(output));
        } finally {
            if (output != null) {
                Files.deleteIfExists(output);
            }
        }
    }

    /**
     * Kills the process and the descendants it has now. The descendants are listed first,
     * because once the process dies they are re-parented and no longer found through it.
     */
    private static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(REAP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
        }
    }
}
