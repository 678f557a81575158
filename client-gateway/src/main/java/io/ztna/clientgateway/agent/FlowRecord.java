package io.ztna.clientgateway.agent;

import static net.logstash.logback.argument.StructuredArguments.keyValue;
import static net.logstash.logback.argument.StructuredArguments.value;

import io.ztna.clientgateway.routing.PublisherLink;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.relay.RelaySummary;
import io.ztna.proto.tls.SpiffeId;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the flow record: one INFO event through the logger {@value #LOGGER} for every flow the
 * client gateway decided on, when it ends or fails to open, denied flows included. The fields
 * are structured arguments, which the daemons' logback configuration writes as one JSON object
 * per line; docs/logging.md lists them. Publisher fields are null when no publisher was
 * selected; byte counts are 0 for a flow that never relayed.
 */
final class FlowRecord {

    /** Logger of flow records. */
    static final String LOGGER = "io.ztna.flow";

    /** Relay outcome of a flow that both sides finished, written as an empty reason. */
    private static final String CLOSED = "closed";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final String FORMAT = "{} record: " + "{} ".repeat(16).trim();

    private final String clientGateway;

    FlowRecord(String clientGateway) {
        this.clientGateway = clientGateway;
    }

    /**
     * Writes the record of one flow.
     *
     * @param route the publisher link of the last open attempt, or null when none was selected
     * @param start when the client gateway received the OPEN
     * @param startNanos {@link System#nanoTime()} at the same moment, for the duration
     * @param summary the relay's end for a flow that relayed, else null
     */
    void write(FlowMetadata flow, PublisherLink route, OpenResult result, String reason,
            Instant start, long startNanos, RelaySummary summary) {
        long durationMillis = (System.nanoTime() - startNanos) / 1_000_000;
        String finalReason = reason;
        if (summary != null) {
            finalReason = CLOSED.equals(summary.outcome()) ? "" : summary.outcome();
        }
        log.info(FORMAT, value("event", "flow"),
                keyValue("flow", flow.flowId()),
                keyValue("user", flow.user()),
                keyValue("device", flow.device()),
                keyValue("app", flow.app()),
                keyValue("destination", flow.host()),
                keyValue("protocol", flow.protocol().name().toLowerCase(Locale.ROOT)),
                keyValue("port", flow.port()),
                keyValue("clientGateway", clientGateway),
                keyValue("publisher", route == null ? null : route.publisher()),
                keyValue("publisherGateway", route == null ? null : gatewayId(route)),
                keyValue("bytesUp", summary == null ? 0L : summary.bytesUp()),
                keyValue("bytesDown", summary == null ? 0L : summary.bytesDown()),
                keyValue("start", start.toString()),
                keyValue("durationMillis", durationMillis),
                keyValue("result", result.name()),
                keyValue("reason", finalReason));
    }

    /** Returns the publisher gateway's id, such as {@code pg-1}, from its SPIFFE id. */
    private static String gatewayId(PublisherLink route) {
        try {
            return SpiffeId.parse(route.gateway()).name();
        } catch (IllegalArgumentException e) {
            return route.gateway();
        }
    }
}
