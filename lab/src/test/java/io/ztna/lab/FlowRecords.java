package io.ztna.lab;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Collects the flow records that client gateways in this JVM write to the {@code io.ztna.flow}
 * logger, from {@link #attach()} until {@link #close()}.
 */
final class FlowRecords implements AutoCloseable {

    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");

    /** The fields of one flow record that tests check. */
    record Flow(String user, String app, String publisher, String publisherGateway,
            String result) {
    }

    private final Logger logger = (Logger) LoggerFactory.getLogger("io.ztna.flow");
    private final Queue<Flow> flows = new ConcurrentLinkedQueue<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            if (!message.startsWith("flow record:")) {
                return;
            }
            Matcher matcher = FIELD.matcher(message);
            Map<String, String> fields = new HashMap<>();
            while (matcher.find()) {
                fields.putIfAbsent(matcher.group(1), matcher.group(2));
            }
            flows.add(new Flow(fields.get("user"), fields.get("app"), fields.get("publisher"),
                    fields.get("publisherGateway"), fields.get("result")));
        }
    };

    private FlowRecords() {
    }

    /** Starts collecting. */
    static FlowRecords attach() {
        FlowRecords records = new FlowRecords();
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

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
