package io.ztna.proto.log;

import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;

/**
 * Encodes a structured log event as one JSON object per line: {@code @timestamp} (ISO-8601
 * UTC), {@code level} and {@code logger}, then the event's own fields taken from its structured
 * arguments and markers, such as {@code "event":"flow"}. The message text, the thread and logback's context
 * properties are left out, because the fields contain all of the message text.
 */
public final class EventJsonEncoder extends LogstashEncoder {

    private static final String IGNORE = "[ignore]";

    public EventJsonEncoder() {
        setTimeZone("UTC");
        setIncludeContext(false);
        setIncludeMdc(false);
        LogstashFieldNames names = getFieldNames();
        names.setVersion(IGNORE);
        names.setMessage(IGNORE);
        names.setThread(IGNORE);
        names.setLevelValue(IGNORE);
        names.setLogger("logger");
    }
}
