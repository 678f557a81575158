package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerNetwork;
import io.ztna.lab.demo.DemoHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Starts docker/docker-compose.yml with the ztna images and sends traffic through all four
 * tiers running in containers. The tests check the demo page fetched through the agent's SOCKS5
 * port, the client gateway's flow record for it, the agent's network isolation and the loss of
 * a publisher.
 *
 * <p>Needs a Docker engine, docker-compose (version 1, which Testcontainers runs as a local
 * command) and the images from {@code docker/build-base-image} and {@code docker/build-images}.
 * The tests run only when the environment variable ZTNA_DOCKER_TESTS is set, as .ci/run sets
 * it, and are skipped without it. With it set, a missing Docker engine, docker-compose or image
 * fails them. No image is pulled from a registry. The lab's pom turns off Ryuk, the cleanup
 * container of Testcontainers, so {@link #stopLab()} removes the containers, networks and
 * volumes itself.
 * The tests share one compose project and run in order, because the last one stops a publisher.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ComposeLabIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path COMPOSE_FILE = ROOT.resolve("docker/docker-compose.yml");
    private static final Path LOG_DIR = Path.of(System.getProperty("user.dir"), "target",
            "compose-lab-logs");
    private static final List<String> IMAGES = List.of("ztna/pki:latest",
            "ztna/publisher-gateway:latest", "ztna/publisher:latest",
            "ztna/client-gateway:latest", "ztna/client-agent:latest", "ztna/demo-apps:latest");
    private static final List<String> SERVICES = List.of("pki", "publisher-gateway-1",
            "publisher-gateway-2", "publisher-1", "publisher-2", "client-gateway-1",
            "client-gateway-2", "client-agent", "demo-apps");
    /** Services with a Docker health check, each started until it reports healthy. */
    private static final List<String> HEALTH_CHECKED = List.of("publisher-gateway-1",
            "publisher-gateway-2", "publisher-1", "publisher-2", "client-gateway-1",
            "client-gateway-2", "client-agent", "demo-apps");
    /** Publisher ids, as docker/pki-issue-all writes them into the certificates. */
    private static final Map<String, String> PUBLISHER_IDS = Map.of("publisher-1", "pub-1",
            "publisher-2", "pub-2");
    private static final List<String> CLIENT_GATEWAYS = List.of("client-gateway-1",
            "client-gateway-2");
    private static final String APP_HOST = "intranet.corp.internal";
    private static final int APP_PORT = 18080;
    private static final Pattern SEEN_FROM = Pattern.compile("<p>Seen from: /([0-9.]+):(\\d+)</p>");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerComposeContainer<?> lab;
    /** Why the lab cannot start here, or null when it can. */
    private String unavailableReason;
    private int socksPort;
    /** Each publisher's address on the private network, by service name. */
    private final Map<String, String> publisherAddresses = new HashMap<>();

    @BeforeAll
    void startLab() throws Exception {
        String optIn = System.getenv("ZTNA_DOCKER_TESTS");
        if (optIn == null || optIn.isEmpty()) {
            unavailableReason = "ZTNA_DOCKER_TESTS is not set; set it to run the container lab";
            return;
        }
        unavailableReason = unavailableReason();
        if (unavailableReason != null) {
            fail("ComposeLabIT cannot run although ZTNA_DOCKER_TESTS is set: "
                    + unavailableReason);
        }
        socksPort = FreePorts.next();
        lab = new DockerComposeContainer<>("ztnacomposeit", COMPOSE_FILE.toFile())
                .withPull(false)
                .withEnv("ZTNA_SOCKS_PORT", Integer.toString(socksPort))
                .withEnv("ZTNA_FORWARD_PORT", Integer.toString(FreePorts.next()))
                .withStartupTimeout(Duration.ofMinutes(5));
        for (String service : HEALTH_CHECKED) {
            lab.waitingFor(service, Wait.forHealthcheck()
                    .withStartupTimeout(Duration.ofMinutes(5)));
        }
        try {
            lab.start();
        } catch (RuntimeException e) {
            saveLogs();
            throw e;
        }
        for (String publisher : PUBLISHER_IDS.keySet()) {
            publisherAddresses.put(publisher, privateAddress(service(publisher)));
        }
    }

    @BeforeEach
    void requireLab() {
        assumeTrue(unavailableReason == null, () -> "ComposeLabIT skipped: " + unavailableReason);
    }

    @AfterAll
    void stopLab() throws IOException {
        if (lab != null) {
            saveLogs();
            lab.stop();
        }
    }

    @Test
    @Order(1)
    void demoPageThroughSocksIsExact() throws Exception {
        // The health checks can pass before the client gateway learns of the publishers, so
        // the first fetches may fail.
        Page page = fetchUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));

        assertThat(page.response()).isEqualTo(expectedResponse(page.seenFrom()));
        assertThat(publisherAddresses).containsValue(page.seenFromAddress());

        JsonNode record = awaitFlowRecord(Set.of());
        assertThat(record.path("logger").asText()).isEqualTo("io.ztna.flow");
        assertThat(record.path("user").asText()).isEqualTo("alice@example.com");
        assertThat(record.path("app").asText()).isEqualTo("intranet");
        assertThat(record.path("result").asText()).isEqualTo("CONNECTED");
        assertThat(record.path("bytesDown").isIntegralNumber()).as("bytesDown is an integer: "
                + record).isTrue();
        assertThat(record.path("bytesDown").asLong()).isEqualTo(page.bytes());
        assertThat(record.path("bytesUp").asLong()).isEqualTo(requestBytes());
        assertThat(record.path("publisher").asText()).isIn(PUBLISHER_IDS.values());
        assertThat(record.path("publisher").asText()).isEqualTo(publisherServing(page));
        assertThat(record.path("clientGateway").asText()).isIn("cg-1", "cg-2");
    }

    @Test
    @Order(2)
    void agentCannotReachPrivateNetwork() throws Exception {
        ContainerState agent = service("client-agent");
        String appAddress = privateAddress(service("demo-apps"));

        ExecResult byAddress = agent.execInContainer("curl", "-sS", "--max-time", "3",
                "http://" + appAddress + ":" + APP_PORT + "/");
        assertThat(byAddress.getExitCode()).as("curl exit code, direct to " + appAddress)
                .isNotZero();
        assertThat(byAddress.getStdout()).doesNotContain(DemoHttpServer.MARKER);

        ExecResult byName = agent.execInContainer("curl", "-sS", "--max-time", "3",
                "http://" + APP_HOST + ":" + APP_PORT + "/");
        assertThat(byName.getExitCode()).as("curl exit code, " + APP_HOST + " (6: not resolved)")
                .isEqualTo(6);
    }

    @Test
    @Order(3)
    void publisherStopFailsOverWithin10s() throws Exception {
        Set<String> flowsBeforeFirstFetch = flowIds();
        Page before = fetchUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        String stoppedService = publisherService(before.seenFromAddress());
        String survivingService = stoppedService.equals("publisher-1") ? "publisher-2"
                : "publisher-1";
        // Wait for the record of the first fetch, so that it cannot pass for the second's.
        awaitFlowRecord(flowsBeforeFirstFetch);
        Set<String> earlierFlows = flowIds();

        DockerClient docker = DockerClientFactory.instance().client();
        docker.stopContainerCmd(service(stoppedService).getContainerId()).withTimeout(10).exec();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Page after = fetchUntil(deadline);

        assertThat(after.seenFromAddress()).as("publisher address that the app saw")
                .isEqualTo(publisherAddresses.get(survivingService));
        assertThat(after.response()).isEqualTo(expectedResponse(after.seenFrom()));
        JsonNode record = awaitFlowRecord(earlierFlows);
        assertThat(record.path("publisher").asText())
                .isEqualTo(PUBLISHER_IDS.get(survivingService));
        assertThat(record.path("result").asText()).isEqualTo("CONNECTED");
        assertThat(record.path("bytesDown").asLong()).isEqualTo(after.bytes());
    }

    /** Returns why the lab cannot start (no Docker, docker-compose or image), or null. */
    private static String unavailableReason() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return "no Docker engine found (start dockerd, or see .ci/run)";
        }
        if (!composeAvailable()) {
            return "docker-compose not found on PATH (apt-get install docker-compose)";
        }
        DockerClient docker = DockerClientFactory.instance().client();
        for (String image : IMAGES) {
            try {
                docker.inspectImageCmd(image).exec();
            } catch (NotFoundException e) {
                return "image " + image + " not found; build the images with "
                        + "docker/build-base-image and docker/build-images";
            }
        }
        return null;
    }

    private static boolean composeAvailable() {
        try {
            Process process = new ProcessBuilder("docker-compose", "version")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private ContainerState service(String name) {
        return lab.getContainerByServiceName(name).orElseThrow(
                () -> new IllegalStateException("no container for compose service " + name));
    }

    /** Returns the container's address on the compose project's private network. */
    private static String privateAddress(ContainerState container) {
        for (Map.Entry<String, ContainerNetwork> network : container.getContainerInfo()
                .getNetworkSettings().getNetworks().entrySet()) {
            if (network.getKey().endsWith("_private")) {
                return network.getValue().getIpAddress();
            }
        }
        throw new IllegalStateException("container " + container.getContainerId()
                + " is not on the private network");
    }

    private String publisherService(String address) {
        for (Map.Entry<String, String> entry : publisherAddresses.entrySet()) {
            if (entry.getValue().equals(address)) {
                return entry.getKey();
            }
        }
        throw new AssertionError("the demo app saw peer address " + address
                + ", which belongs to no publisher: " + publisherAddresses);
    }

    private String publisherServing(Page page) {
        return PUBLISHER_IDS.get(publisherService(page.seenFromAddress()));
    }

    /** A response of the demo app and the peer address it reported ("Seen from"). */
    private record Page(String response, String seenFrom, String seenFromAddress) {

        int bytes() {
            return response.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    /**
     * Fetches the demo page through the agent's SOCKS5 port, trying again every 500 ms until
     * a fetch succeeds or the deadline (a {@link System#nanoTime()} value) passes. A fetch that
     * succeeds only after the deadline fails the test.
     */
    private Page fetchUntil(long deadline) throws InterruptedException {
        List<String> failures = new ArrayList<>();
        while (true) {
            Page page = null;
            try {
                page = fetchPage();
            } catch (IOException | AssertionError e) {
                failures.add(e.toString());
            }
            boolean late = System.nanoTime() - deadline > 0;
            if (page != null && late) {
                throw new AssertionError("the demo page arrived only after the deadline, "
                        + "following " + failures.size() + " failed attempts: " + failures);
            }
            if (page != null) {
                return page;
            }
            if (late) {
                throw new AssertionError("no demo page through SOCKS5 port " + socksPort
                        + " before the deadline; " + failures.size() + " attempts, last: "
                        + failures.get(failures.size() - 1));
            }
            Thread.sleep(500);
        }
    }

    private Page fetchPage() throws IOException {
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", socksPort);
        try (Socks5Client.Connection connection = Socks5Client.connect(proxy, APP_HOST,
                APP_PORT)) {
            if (connection.reply() != 0) {
                throw new IOException("SOCKS5 CONNECT failed with reply code "
                        + connection.reply());
            }
            connection.socket().setSoTimeout(5_000);
            OutputStream out = connection.socket().getOutputStream();
            out.write(request());
            out.flush();
            String response = new String(Socks5Client.readAll(connection.socket()
                    .getInputStream()), StandardCharsets.UTF_8);
            Matcher seenFrom = SEEN_FROM.matcher(response);
            if (!seenFrom.find()) {
                throw new AssertionError("demo page without a 'Seen from' line: " + response);
            }
            return new Page(response, seenFrom.group(1) + ":" + seenFrom.group(2),
                    seenFrom.group(1));
        }
    }

    private static byte[] request() {
        return ("GET / HTTP/1.1\r\nHost: " + APP_HOST + ":" + APP_PORT
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static int requestBytes() {
        return request().length;
    }

    /** Returns the exact response that DemoHttpServer sends for the request in fetchPage. */
    private static String expectedResponse(String seenFrom) {
        String body = "<!doctype html>\n<html><head><title>ztna lab intranet</title></head>"
                + "<body>\n<h1>" + DemoHttpServer.MARKER + "</h1>\n<p>Host: " + APP_HOST + ":"
                + APP_PORT + "</p>\n<p>Path: /</p>\n<p>Seen from: /" + seenFrom + "</p>\n"
                + "</body></html>\n";
        return "HTTP/1.1 200 OK\r\n"
                + "content-type: text/html; charset=utf-8\r\n"
                + "content-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "\r\n"
                + body;
    }

    /**
     * Waits up to 10 s for a flow record of a relayed flow to the demo page (destination
     * {@value #APP_HOST}, port {@value #APP_PORT}, bytesDown above 0) whose flow id is not in
     * {@code earlierFlows}, and returns it. Fetch attempts that failed before the tunnel was
     * ready leave records with bytesDown 0, so they never match.
     */
    private JsonNode awaitFlowRecord(Set<String> earlierFlows) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<JsonNode> records;
        do {
            records = flowRecords();
            List<JsonNode> relayed = new ArrayList<>();
            for (JsonNode record : records) {
                if (!earlierFlows.contains(record.path("flow").asText())
                        && APP_HOST.equals(record.path("destination").asText())
                        && record.path("port").asInt() == APP_PORT
                        && record.path("bytesDown").asLong() > 0) {
                    relayed.add(record);
                }
            }
            if (!relayed.isEmpty()) {
                assertThat(relayed).as("new flow records of relayed flows to " + APP_HOST)
                        .hasSize(1);
                return relayed.get(0);
            }
            Thread.sleep(200);
        } while (System.nanoTime() - deadline < 0);
        throw new AssertionError("no new flow record of a relayed flow to " + APP_HOST + ":"
                + APP_PORT + " in the client gateways' logs within 10 s (a flow record is a JSON"
                + " line with \"event\":\"flow\"); records: " + records);
    }

    private Set<String> flowIds() {
        Set<String> ids = new HashSet<>();
        flowRecords().forEach(record -> ids.add(record.path("flow").asText()));
        return ids;
    }

    /**
     * Returns every flow record in the client gateways' container logs, client-gateway-1's
     * first. A flow record is a JSON object on a line of its own with "event":"flow", which
     * the logger io.ztna.flow writes to stdout between the text log lines.
     */
    private List<JsonNode> flowRecords() {
        List<JsonNode> records = new ArrayList<>();
        for (String gateway : CLIENT_GATEWAYS) {
            for (String line : service(gateway).getLogs().split("\n")) {
                JsonNode event = parseJsonLine(gateway, line.strip());
                if (event != null && "flow".equals(event.path("event").asText())) {
                    records.add(event);
                }
            }
        }
        return records;
    }

    /** Returns the JSON object on a log line, or null for a text line. */
    private static JsonNode parseJsonLine(String gateway, String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new AssertionError("invalid JSON line in the log of " + gateway + ": " + line,
                    e);
        }
    }

    /** Writes each service's container log to target/compose-lab-logs, to examine failures. */
    private void saveLogs() throws IOException {
        Files.createDirectories(LOG_DIR);
        for (String name : SERVICES) {
            String log = lab.getContainerByServiceName(name).map(ContainerState::getLogs)
                    .orElse("(no container)\n");
            Files.writeString(LOG_DIR.resolve(name + ".log"), log);
        }
    }
}
