package io.ztna.agent.capture;

import io.netty.channel.Channel;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.relay.RelaySummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines of captured flows, one shape for every capture mode: a failed flow is one INFO
 * line with client, destination and reason, an opened and a finished flow are DEBUG lines.
 * Each line carries the flow id that the client gateway, publisher gateway and publisher log for
 * the same flow. Payload is never logged.
 */
final class FlowLog {

    private static final Logger log = LoggerFactory.getLogger(FlowLog.class);

    private FlowLog() {
    }

    /** Logs a flow that failed before any byte was relayed. */
    static void failed(Channel client, String mode, FlowMetadata flow, Object result,
            String reason) {
        log.info("{} flow failed: flow={} mode={} client={} destination={} result={} "
                        + "reason=\"{}\"", client.id().asShortText(), flow.flowId(), mode,
                client.remoteAddress(), flow.destination(), result, reason);
    }

    /** Logs a flow whose far end connected; relaying starts next. */
    static void opened(Channel client, String mode, FlowMetadata flow, String via) {
        if (log.isDebugEnabled()) {
            log.debug("{} flow open: flow={} mode={} client={} destination={} via={}",
                    client.id().asShortText(), flow.flowId(), mode, client.remoteAddress(),
                    flow.destination(), via);
        }
    }

    /** Logs the end of a relayed flow with its byte counts. */
    static void finished(Channel client, String mode, FlowMetadata flow, RelaySummary summary,
            long startNanos) {
        if (log.isDebugEnabled()) {
            log.debug("{} flow closed: flow={} mode={} client={} destination={} bytesUp={} "
                    + "bytesDown={} durationMillis={} outcome=\"{}\"", client.id().asShortText(),
                    flow.flowId(), mode, client.remoteAddress(), flow.destination(),
                    summary.bytesUp(), summary.bytesDown(),
                    (System.nanoTime() - startNanos) / 1_000_000, summary.outcome());
        }
    }
}
