package io.ztna.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client agent run by {@link CaptureAgentMain} as a process inside a network namespace,
 * through {@code ip netns exec}, which executes the JVM in place, so the process id is the
 * JVM's and signals reach it directly. Its output is kept for failure messages.
 */
final class NamespacedAgent implements AutoCloseable {

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final CompletableFuture<Boolean> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();

    private NamespacedAgent(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "namespaced-agent-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the agent with {@code config} and stub entries such as {@code 100.64.0.1=NAME}. */
    static NamespacedAgent start(NetworkNamespace namespace, Path config, String... stubs)
            throws IOException {
        String classPath = System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, CaptureAgentMain.class.getName(), config.toString()));
        command.addAll(List.of(stubs));
        return new NamespacedAgent(new ProcessBuilder(namespace.exec(command.toArray(
                String[]::new))).redirectErrorStream(true).start());
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
                if (line.equals(CaptureAgentMain.READY)) {
                    ready.complete(true);
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
        ready.complete(false);
        outputEnded.complete(null);
    }

    /** Waits up to 60 s for the ready line; fails with the agent's output otherwise. */
    void awaitReady() throws Exception {
        boolean started;
        try {
            started = ready.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            started = false;
        }
        if (!started) {
            throw new AssertionError("agent not ready; its output:\n" + output());
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * Sends SIGTERM and returns the exit code, waiting up to 30 s. The signal goes through the
     * process handle, because {@code Process.destroy()} also closes the pipe of the process's
     * output, which would lose what the agent logs while it stops.
     */
    int terminate() throws Exception {
        process.toHandle().destroy();
        return awaitExit();
    }

    /** Sends SIGKILL and returns the exit code, waiting up to 30 s. */
    int kill() throws Exception {
        process.toHandle().destroyForcibly();
        return awaitExit();
    }

    private int awaitExit() throws Exception {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("agent " + process.pid() + " still running 30 s after a "
                    + "signal; its output:\n" + output());
        }
        // The last lines may still be in the pipe when the process has ended.
        outputEnded.get(10, TimeUnit.SECONDS);
        return process.exitValue();
    }

    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** Kills the agent if it still runs. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            kill();
        }
    }
}
