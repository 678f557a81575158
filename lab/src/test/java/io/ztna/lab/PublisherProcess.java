package io.ztna.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A publisher run as its own JVM inside a network namespace, with this JVM's class path and
 * Netty's leak detector at PARANOID, logging to {@code NAME.log} beside its config.
 */
final class PublisherProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String namespace;
    private final int adminPort;
    private final Path log;
    private final Process process;

    private PublisherProcess(String namespace, int adminPort, Path log, Process process) {
        this.namespace = namespace;
        this.adminPort = adminPort;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts the publisher's main class with {@code run --config CONFIG} under
     * {@code ip netns exec NAMESPACE}.
     *
     * @param adminPort the port of the {@code admin} address in the config, on the namespace's
     *     own loopback
     */
    static PublisherProcess start(String namespace, Path config, int adminPort)
            throws IOException {
        String name = config.getFileName().toString().replace(".yaml", "");
        Path log = config.resolveSibling(name + ".log");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.leakDetection.level=PARANOID",
                "-cp", System.getProperty("java.class.path"),
                "io.ztna.publisher.PublisherCommand", "run", "--config", config.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new PublisherProcess(namespace, adminPort, log, process);
    }

    /**
     * Returns the state of each of the publisher's gateway tunnels ("up" or "down") from its
     * admin {@code /status}, fetched with curl inside the namespace, or an empty list when the
     * status cannot be fetched.
     */
    List<String> tunnelStates() throws IOException, InterruptedException {
        SystemCommand.Result result = SystemCommand.run(List.of("ip", "netns", "exec",
                namespace, "curl", "-sS", "--max-time", "2",
                "http://127.0.0.1:" + adminPort + "/status"));
        if (result.exitCode() != 0) {
            return List.of();
        }
        // The publisher lists each configured gateway with the state of its tunnel: only "up"
        // carries flows, and every other state (connecting, failed, standby...) counts as down.
        List<String> states = new ArrayList<>();
        for (JsonNode gateway : JSON.readTree(result.output()).path("gateways")) {
            states.add(gateway.path("state").asText().equals("up") ? "up" : "down");
        }
        return states;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Returns the publisher's output so far. */
    String logText() throws IOException {
        return Files.readString(log);
    }

    /** Sends SIGTERM and waits up to 10 s, then kills the process. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
