package io.ztna.lab;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ztna.proto.log.EventJsonEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Collects the flow records that client gateways in this JVM write to the {@code io.ztna.flow}
 * logger, from {@link #attach()} until {@link #close()}. Each event is encoded by the daemons'
 * JSON encoder and parsed back, so tests read exactly the line an operator gets.
 */
final class FlowRecords implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One flow record as parsed from its JSON line. */
    record Flow(JsonNode json) {

        String user() {
            return text("user");
        }

        String app() {
            return text("app");
        }

        String publisher() {
            return text("publisher");
        }

        String publisherGateway() {
            return text("publisherGateway");
        }

        String result() {
            return text("result");
        }

        String reason() {
            return text("reason");
        }

        String flowId() {
            return text("flow");
        }

        private String text(String field) {
            JsonNode value = json.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }
    }

    private final Logger logger = (Logger) LoggerFactory.getLogger("io.ztna.flow");
    private final EventJsonEncoder encoder = new EventJsonEncoder();
    private final Queue<Flow> flows = new ConcurrentLinkedQueue<>();
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            String line;
            synchronized (encoder) {
                line = new String(encoder.encode(event), StandardCharsets.UTF_8);
            }
            lines.add(line);
            try {
                JsonNode json = JSON.readTree(line);
                if ("flow".equals(json.path("event").asText())) {
                    flows.add(new Flow(json));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("flow record is not JSON: " + line, e);
            }
        }
    };

    private FlowRecords() {
    }

    /** Starts collecting. */
    static FlowRecords attach() {
        FlowRecords records = new FlowRecords();
        records.encoder.setContext(records.logger.getLoggerContext());
        records.encoder.start();
        records.appender.setContext(records.logger.getLoggerContext());
        records.appender.start();
        records.logger.addAppender(records.appender);
        return records;
    }

    /** Returns the records of {@code user} collected so far, in arrival order. */
    List<Flow> of(String user) {
        List<Flow> matching = new ArrayList<>();
        for (Flow flow : flows) {
            if (user.equals(flow.user())) {
                matching.add(flow);
            }
        }
        return matching;
    }

    /** Returns every record collected so far, in arrival order. */
    List<Flow> all() {
        return new ArrayList<>(flows);
    }

    /** Returns the encoded lines collected so far, each ending with a line separator. */
    List<String> lines() {
        return new ArrayList<>(lines);
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        encoder.stop();
    }
}
