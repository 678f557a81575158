package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowIds;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.mux.FlowOpenException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The client gateway's flow record as an operator reads it: one JSON line per flow with every
 * field exact, for a relayed, a denied and a refused flow. The agent, the publisher gateway and
 * the publisher log the same flow id in their flow lines.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlowRecordTest {

    /** Loggers of the other tiers' flow lines, set to DEBUG for their open and close lines. */
    private static final List<String> TIER_LOGGERS = List.of(
            "io.ztna.agent.capture.FlowLog",
            "io.ztna.publishergateway.ClientGatewayTunnelListener",
            "io.ztna.publisher.AppConnector");

    /** Every field a flow record has, in the order it writes them. */
    private static final List<String> FIELDS = List.of("@timestamp", "logger", "level",
            "event", "flow", "user", "device", "app", "destination", "protocol", "port",
            "clientGateway", "publisher", "publisherGateway", "bytesUp", "bytesDown", "start",
            "durationMillis", "result", "reason");

    @TempDir
    static Path dir;

    static InProcessLab lab;

    private static final List<Level> savedLevels = new ArrayList<>();
    private final ListAppender<ILoggingEvent> tierLines = new ListAppender<>();
    private FlowRecords records;

    @BeforeAll
    static void startLab() throws Exception {
        for (String name : TIER_LOGGERS) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            savedLevels.add(logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        lab = new InProcessLab(dir, List.of()).start();
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
        for (int i = 0; i < TIER_LOGGERS.size(); i++) {
            ((Logger) LoggerFactory.getLogger(TIER_LOGGERS.get(i))).setLevel(savedLevels.get(i));
        }
    }

    @BeforeEach
    void attach() {
        records = FlowRecords.attach();
        tierLines.setContext(((Logger) LoggerFactory.getLogger(TIER_LOGGERS.get(0)))
                .getLoggerContext());
        tierLines.start();
        for (String name : TIER_LOGGERS) {
            ((Logger) LoggerFactory.getLogger(name)).addAppender(tierLines);
        }
    }

    @AfterEach
    void detach() {
        records.close();
        for (String name : TIER_LOGGERS) {
            ((Logger) LoggerFactory.getLogger(name)).detachAppender(tierLines);
        }
        tierLines.stop();
    }

    @Test
    void relayedFlowRecord() throws Exception {
        byte[] payload = "seventeen bytes!\n".getBytes(StandardCharsets.US_ASCII);
        Instant before = Instant.now();
        try (Socks5Client.Connection connection = Socks5Client.connect(
                lab.socks(), "host.lab.internal", lab.ports.demoEcho())) {
            assertThat(connection.reply()).isEqualTo(0);
            Socket socket = connection.socket();
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(payload);
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(in.readNBytes(payload.length)).isEqualTo(payload);
        }
        JsonNode record = awaitOneRecord();
        Instant after = Instant.now();

        assertThat(fieldNames(record)).isEqualTo(FIELDS);
        assertThat(record.get("logger").asText()).isEqualTo("io.ztna.flow");
        assertThat(record.get("level").asText()).isEqualTo("INFO");
        assertThat(record.get("event").asText()).isEqualTo("flow");
        assertThat(FlowIds.isValid(record.get("flow").asText())).isTrue();
        assertThat(record.get("user").asText()).isEqualTo(LabState.USER);
        assertThat(record.get("device").asText()).isEqualTo(LabState.DEVICE);
        assertThat(record.get("app").asText()).isEqualTo("lab-hosts");
        assertThat(record.get("destination").asText()).isEqualTo("host.lab.internal");
        assertThat(record.get("protocol").asText()).isEqualTo("tcp");
        assertThat(record.get("port").isIntegralNumber()).isTrue();
        assertThat(record.get("port").asInt()).isEqualTo(lab.ports.demoEcho());
        assertThat(record.get("clientGateway").asText()).isEqualTo("cg-1");
        assertThat(record.get("publisher").asText()).isEqualTo("pub-1");
        assertThat(record.get("publisherGateway").asText()).isEqualTo("pg-1");
        assertThat(record.get("bytesUp").isIntegralNumber()).isTrue();
        assertThat(record.get("bytesUp").asLong()).isEqualTo(payload.length);
        assertThat(record.get("bytesDown").asLong()).isEqualTo(payload.length);
        assertStartWithin(record, before, after);
        assertThat(record.get("result").asText()).isEqualTo("CONNECTED");
        assertThat(record.get("reason").asText()).isEmpty();

        String flowId = record.get("flow").asText();
        awaitTierLine("io.ztna.agent.capture.FlowLog", "flow closed: flow=" + flowId + " ");
        awaitTierLine("io.ztna.publishergateway.ClientGatewayTunnelListener",
                "flow open: flow=" + flowId + " ");
        awaitTierLine("io.ztna.publishergateway.ClientGatewayTunnelListener",
                "flow closed: flow=" + flowId + " ");
        awaitTierLine("io.ztna.publisher.AppConnector", "flow open: flow=" + flowId + " ");
        awaitTierLine("io.ztna.publisher.AppConnector", "flow closed: flow=" + flowId + " ");
    }

    @Test
    void deniedFlowRecord() throws Exception {
        String flowId = "0123456789abcdef";
        Instant before = Instant.now();
        String rejection;
        try (CraftedAgent agent = new CraftedAgent(lab, LabState.USER, "crafted-1")) {
            FlowMetadata flow = FlowMetadata.tcp("ssh.corp.internal", 22).withFlowId(flowId);
            rejection = openFailure(agent, flow);
        }
        JsonNode record = awaitOneRecord();
        Instant after = Instant.now();

        assertThat(fieldNames(record)).isEqualTo(FIELDS);
        assertThat(record.get("event").asText()).isEqualTo("flow");
        assertThat(record.get("flow").asText()).isEqualTo(flowId);
        assertThat(record.get("user").asText()).isEqualTo(LabState.USER);
        assertThat(record.get("device").asText()).isEqualTo("crafted-1");
        assertThat(record.get("app").asText()).isEqualTo("ssh");
        assertThat(record.get("destination").asText()).isEqualTo("ssh.corp.internal");
        assertThat(record.get("protocol").asText()).isEqualTo("tcp");
        assertThat(record.get("port").asInt()).isEqualTo(22);
        assertThat(record.get("clientGateway").asText()).isEqualTo("cg-1");
        assertThat(record.get("publisher").isNull()).isTrue();
        assertThat(record.get("publisherGateway").isNull()).isTrue();
        assertThat(record.get("bytesUp").asLong()).isZero();
        assertThat(record.get("bytesDown").asLong()).isZero();
        assertStartWithin(record, before, after);
        assertThat(record.get("result").asText()).isEqualTo("DENIED_BY_POLICY");
        assertThat(record.get("reason").asText()).isEqualTo("blocked by rule no-ssh");
        assertThat(rejection).contains(record.get("reason").asText());
    }

    @Test
    void malformedFlowIdReplaced() throws Exception {
        try (CraftedAgent agent = new CraftedAgent(lab, LabState.USER, "crafted-2")) {
            FlowMetadata flow = FlowMetadata.tcp("ssh.corp.internal", 22)
                    .withFlowId("NOT-A-FLOW-ID");
            openFailure(agent, flow);
            openFailure(agent, flow);
        }
        List<JsonNode> both = awaitRecords(2);
        String first = both.get(0).get("flow").asText();
        String second = both.get(1).get("flow").asText();
        assertThat(FlowIds.isValid(first)).as("first flow id %s", first).isTrue();
        assertThat(FlowIds.isValid(second)).as("second flow id %s", second).isTrue();
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void refusedFlowRecord() throws Exception {
        int closedPort = FreePorts.inLabRange();
        Instant before = Instant.now();
        try (Socks5Client.Connection connection = Socks5Client.connect(
                lab.socks(), "host.lab.internal", closedPort)) {
            assertThat(connection.reply()).isEqualTo(0x05);
        }
        JsonNode record = awaitOneRecord();
        Instant after = Instant.now();

        assertThat(fieldNames(record)).isEqualTo(FIELDS);
        assertThat(FlowIds.isValid(record.get("flow").asText())).isTrue();
        assertThat(record.get("user").asText()).isEqualTo(LabState.USER);
        assertThat(record.get("device").asText()).isEqualTo(LabState.DEVICE);
        assertThat(record.get("app").asText()).isEqualTo("lab-hosts");
        assertThat(record.get("destination").asText()).isEqualTo("host.lab.internal");
        assertThat(record.get("protocol").asText()).isEqualTo("tcp");
        assertThat(record.get("port").asInt()).isEqualTo(closedPort);
        assertThat(record.get("clientGateway").asText()).isEqualTo("cg-1");
        assertThat(record.get("publisher").asText()).isEqualTo("pub-1");
        assertThat(record.get("publisherGateway").asText()).isEqualTo("pg-1");
        assertThat(record.get("bytesUp").asLong()).isZero();
        assertThat(record.get("bytesDown").asLong()).isZero();
        assertStartWithin(record, before, after);
        assertThat(record.get("result").asText()).isEqualTo("APP_REFUSED");
        assertThat(record.get("reason").asText()).startsWith(
                "connect to 127.0.0.1:" + closedPort + " failed: ");

        String flowId = record.get("flow").asText();
        awaitTierLine("io.ztna.agent.capture.FlowLog", "flow failed: flow=" + flowId + " ");
        awaitTierLine("io.ztna.publishergateway.ClientGatewayTunnelListener",
                "flow failed: flow=" + flowId + " ");
        awaitTierLine("io.ztna.publisher.AppConnector", "flow failed: flow=" + flowId + " ");
    }

    /** Opens {@code flow}, expects it to fail and returns the failure's message. */
    private static String openFailure(CraftedAgent agent, FlowMetadata flow) throws Exception {
        try {
            agent.tunnel().open(flow).get(10, TimeUnit.SECONDS).reset(ErrorCode.CANCEL,
                    "test expected a failure");
            throw new AssertionError("flow to " + flow.destination()
                    + " opened, expected a failure");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(FlowOpenException.class);
            return e.getCause().getMessage();
        }
    }

    private JsonNode awaitOneRecord() throws InterruptedException {
        return awaitRecords(1).get(0);
    }

    /** Waits up to 20 s for {@code count} records and returns them, failing on more. */
    private List<JsonNode> awaitRecords(int count) throws InterruptedException {
        InProcessLab.await(() -> records.all().size() >= count, count + " flow records");
        List<JsonNode> nodes = new ArrayList<>();
        for (FlowRecords.Flow flow : records.all()) {
            nodes.add(flow.json());
        }
        assertThat(nodes).as("flow records").hasSize(count);
        assertThat(records.lines()).as("JSON lines").allSatisfy(line -> {
            assertThat(line).endsWith("\n");
            assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        });
        return nodes;
    }

    private void awaitTierLine(String loggerName, String prefix) throws InterruptedException {
        InProcessLab.await(() -> {
            synchronized (tierLines) {
                for (ILoggingEvent event : new ArrayList<>(tierLines.list)) {
                    String message = event.getFormattedMessage();
                    if (event.getLoggerName().equals(loggerName)
                            && message.replaceFirst("^\\S+ (?=flow )", "").startsWith(prefix)) {
                        return true;
                    }
                }
                return false;
            }
        }, loggerName + " line starting with '" + prefix + "'");
    }

    private static void assertStartWithin(JsonNode record, Instant before, Instant after) {
        Instant start = Instant.parse(record.get("start").asText());
        assertThat(record.get("start").asText()).endsWith("Z");
        assertThat(start).isBetween(before, after);
        long durationMillis = record.get("durationMillis").asLong();
        assertThat(record.get("durationMillis").isIntegralNumber()).isTrue();
        assertThat(durationMillis).isGreaterThanOrEqualTo(0);
        assertThat(durationMillis).isLessThanOrEqualTo(after.toEpochMilli()
                - before.toEpochMilli());
    }

    private static List<String> fieldNames(JsonNode record) {
        List<String> names = new ArrayList<>();
        record.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
