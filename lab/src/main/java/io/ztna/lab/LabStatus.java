package io.ztna.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/lab status}: prints each daemon's name, certificate id, PID, whether it runs, its
 * listening ports and the state it reports on its admin port (tunnels up or down), as JSON.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Prints the lab's daemons with PIDs, ports and tunnel state as JSON.")
final class LabStatus implements Callable<Integer> {

    @Option(names = "--state-dir", defaultValue = "lab-state",
            description = "State folder of the lab (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        Path file = stateDir.resolve(LabUp.STATUS_FILE);
        if (!Files.exists(file)) {
            System.err.println("no lab found: " + file + " does not exist (start one with bin/lab up)");
            return 1;
        }
        ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        ObjectNode status = (ObjectNode) json.readTree(file.toFile());
        long labPid = status.path("labPid").asLong();
        status.put("labRunning", ProcessHandle.of(labPid).map(ProcessHandle::isAlive).orElse(false));
        for (JsonNode node : (ArrayNode) status.path("daemons")) {
            ObjectNode daemon = (ObjectNode) node;
            long pid = daemon.path("pid").asLong();
            boolean running = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            daemon.put("running", running);
            String reported = running ? DaemonProcess.fetchStatus(daemon.path("adminPort").asInt())
                    : null;
            if (reported != null) {
                daemon.set("state", json.readTree(reported));
            } else {
                daemon.putNull("state");
            }
        }
        System.out.println(json.writeValueAsString(status));
        return 0;
    }
}
