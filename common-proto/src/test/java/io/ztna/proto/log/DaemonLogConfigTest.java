package io.ztna.proto.log;

import static net.logstash.logback.argument.StructuredArguments.keyValue;
import static net.logstash.logback.argument.StructuredArguments.value;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemons' logback.xml: flow records to stdout by default, or to the file named. */
class DaemonLogConfigTest {

    @TempDir
    Path dir;

    private LoggerContext context;

    @AfterEach
    void stop() {
        System.clearProperty(FlowOutputDefiner.FILE_PROPERTY);
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void flowRecordsGoToConsoleByDefault() throws Exception {
        configure();

        Appender<?> flow = queuedAppender();
        assertThat(flow).isInstanceOf(ConsoleAppender.class);
        assertThat(context.getLogger("io.ztna.flow").isAdditive()).isFalse();
        assertThat(context.getLogger(TunnelEvents.LOGGER).isAdditive()).isFalse();
        assertThat(context.getLogger(TunnelEvents.LOGGER).getAppender("events")).isNotNull();
        assertNoWarnings();
    }

    @Test
    void flowRecordsGoToFileWhenPropertySet() throws Exception {
        Path file = dir.resolve("logs/flows.jsonl");
        System.setProperty(FlowOutputDefiner.FILE_PROPERTY, file.toString());
        configure();

        Appender<?> flow = queuedAppender();
        assertThat(flow).isInstanceOf(FileAppender.class);
        assertNoWarnings();

        context.getLogger("io.ztna.flow").info("{} record: {}", value("event", "flow"),
                keyValue("flow", "0123456789abcdef"));
        // Stopping the context drains the queue into the file.
        context.stop();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1);
        JsonNode record = new ObjectMapper().readTree(lines.get(0));
        assertThat(record.get("event").asText()).isEqualTo("flow");
        assertThat(record.get("flow").asText()).isEqualTo("0123456789abcdef");
        assertThat(record.has("message")).isFalse();
    }

    /** Returns the appender behind the asynchronous queue that io.ztna.flow writes to. */
    private Appender<ILoggingEvent> queuedAppender() {
        Appender<ILoggingEvent> queue = context.getLogger("io.ztna.flow").getAppender("flowQueue");
        assertThat(queue).isInstanceOf(AsyncAppender.class);
        assertThat(((AsyncAppender) queue).getDiscardingThreshold()).isZero();
        assertThat(((AsyncAppender) queue).isNeverBlock()).isFalse();
        return ((AsyncAppender) queue).getAppender("flow");
    }

    private void configure() throws Exception {
        context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL config = getClass().getResource("/logback.xml");
        assertThat(config).as("logback.xml on the class path").isNotNull();
        configurator.doConfigure(config);
    }

    /** Asserts no configuration warning, because logback prints its whole status on one. */
    private void assertNoWarnings() {
        for (Status status : context.getStatusManager().getCopyOfStatusList()) {
            assertThat(status.getLevel()).as(status.toString()).isLessThan(Status.WARN);
        }
    }
}
