package io.ztna.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.HostAndPort;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code client-agent status}: reads a running agent's {@code /status} from its admin address
 * and prints the tunnel state, the steering policy version, why the tunnel last closed, and
 * the notices for the user, such as flows blocked by a rule with the notify action.
 */
@Command(name = "status", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Prints a running agent's tunnel state, steering policy and notices. "
                + "Exit 0 when the agent answered, 1 when it did not, 2 for bad input.")
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** Where the agent's admin endpoint is: from its config file or given directly. */
    static final class Target {

        @Option(names = "--config", paramLabel = "FILE",
                description = "The agent's YAML config file; its admin address is queried.")
        Path config;

        @Option(names = "--admin", paramLabel = "HOST:PORT",
                description = "The agent's admin address, when it is not in the config file.")
        String admin;
    }

    @Option(names = "--json", description = "Print the status document as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InetSocketAddress admin;
        if (target.admin != null) {
            try {
                admin = HostAndPort.parse(target.admin).toSocketAddress();
            } catch (IllegalArgumentException e) {
                err.println("--admin: " + e.getMessage());
                return 2;
            }
        } else {
            try {
                admin = ClientAgentConfig.load(target.config).admin();
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return 2;
            }
            if (admin == null || admin.getPort() == 0) {
                err.println(target.config + ": admin: not set to a fixed port (expected: the "
                        + "admin host:port the status is read from, or use --admin)");
                return 2;
            }
        }
        String host = admin.getHostString().indexOf(':') >= 0
                ? "[" + admin.getHostString() + "]" : admin.getHostString();
        URI uri = URI.create("http://" + host + ":" + admin.getPort() + "/status");
        JsonNode status;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                    .build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                err.println(uri + ": HTTP " + response.statusCode());
                return 1;
            }
            status = JSON.readTree(response.body());
        } catch (IOException e) {
            err.println("the agent does not answer at " + uri + ": " + e);
            return 1;
        }
        if (json) {
            out.println(status.toPrettyString());
            return 0;
        }
        JsonNode current = status.path("gateway");
        out.println("tunnel: " + status.path("tunnel").asText() + " (gateway "
                + (current.isNull() ? "none" : current.asText()) + ")");
        for (JsonNode gateway : status.path("gateways")) {
            out.println("  gateway " + gateway.path("address").asText() + " connect time "
                    + connectTime(gateway) + (gateway.path("current").asBoolean()
                            ? " (current)" : ""));
        }
        out.println("steering policy version: " + status.path("steeringPolicyVersion").asText());
        for (JsonNode app : status.path("steeringApps")) {
            out.println("  steers " + app.path("name").asText() + " " + app.path("hosts").asText()
                    + " " + app.path("protocols").asText());
        }
        for (JsonNode app : status.path("blockedApps")) {
            out.println("  blocks " + app.path("name").asText() + " " + app.path("hosts").asText()
                    + " (rule " + app.path("rule").asText() + ")");
        }
        out.println("active flows: " + status.path("streams").asInt());
        printSection(out, status, "dns");
        printSection(out, status, "capture");
        printSection(out, status, "httpProxy");
        if (!status.path("lastDisconnect").isNull()) {
            out.println("last disconnect: " + status.path("lastDisconnect").asText());
        }
        JsonNode notices = status.path("notices");
        out.println("notices: " + notices.size());
        for (JsonNode notice : notices) {
            out.println("  " + notice.path("time").asText() + " [" + notice.path("source")
                    .asText() + "] " + notice.path("text").asText()
                    + (notice.path("rule").isNull() ? "" : " (rule "
                            + notice.path("rule").asText() + ")"));
        }
        return 0;
    }

    /** Returns a gateway's measured connect time as text, such as "850 us" or "unreachable". */
    private static String connectTime(JsonNode gateway) {
        JsonNode rtt = gateway.path("rttMicros");
        if (!rtt.isNull() && !rtt.isMissingNode()) {
            return rtt.asLong() + " us";
        }
        return gateway.path("reachable").isNull() ? "not measured" : "unreachable";
    }

    /** Prints a section of the status document when the agent reports it, as compact JSON. */
    private static void printSection(PrintWriter out, JsonNode status, String field) {
        JsonNode section = status.path(field);
        if (!section.isMissingNode() && !section.isNull()) {
            out.println(field + ": " + section);
        }
    }
}
