package io.ztna.proto.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.relay.ByteCounter;
import io.ztna.proto.relay.RelaySummary;
import java.util.Locale;

/**
 * Counts the flows of one daemon tier into its {@link DataPlaneMetrics}: opens, their setup
 * time, results, and for connected flows how they ended and the bytes they carried. The label
 * children are resolved once here, so a flow costs a few counter updates and no label lookup.
 *
 * <p>A flow counts in {@code ztna_flows_opened} when this tier starts handling its open.
 * Callers then report its end once, so it counts in {@code ztna_flows_closed} once: with its
 * open result and reason {@code none} when the open failed, or with result {@code connected}
 * and the reason it ended otherwise. Bytes count as the relays move them. Thread-safe.
 */
public final class FlowMeter implements ByteCounter {

    /** The reason label of a flow whose open failed, so it never carried data. */
    static final String NOT_CONNECTED = "none";
    /** The result label of an open the requester gave up before its result arrived. */
    static final String CANCELLED = "cancelled";
    /** The reason label of a connected flow both sides finished with FIN. */
    static final String FINISHED = "closed";

    private final DataPlaneMetrics metrics;
    private final CounterDataPoint[] failedOpens = new CounterDataPoint[OpenResult.values().length];
    private final CounterDataPoint[] resets = new CounterDataPoint[ErrorCode.values().length];
    private final CounterDataPoint cancelled;
    private final CounterDataPoint finished;
    private final CounterDataPoint bytesUp;
    private final CounterDataPoint bytesDown;

    public FlowMeter(DataPlaneMetrics metrics) {
        this.metrics = metrics;
        String connected = label(OpenResult.CONNECTED);
        for (OpenResult result : OpenResult.values()) {
            if (result != OpenResult.CONNECTED) {
                failedOpens[result.ordinal()] =
                        metrics.flowsClosed.labelValues(label(result), NOT_CONNECTED);
            }
        }
        for (ErrorCode code : ErrorCode.values()) {
            resets[code.ordinal()] = metrics.flowsClosed.labelValues(connected, label(code));
        }
        cancelled = metrics.flowsClosed.labelValues(CANCELLED, NOT_CONNECTED);
        finished = metrics.flowsClosed.labelValues(connected, FINISHED);
        bytesUp = metrics.flowBytes.labelValues("up");
        bytesDown = metrics.flowBytes.labelValues("down");
    }

    /** Counts a flow whose open this tier starts and returns the start time for later calls. */
    public long opening() {
        metrics.flowsOpened.inc();
        return System.nanoTime();
    }

    /** Records that the flow opened at {@code startNanos} connected and is relaying now. */
    public void connected(long startNanos) {
        observeSetup(startNanos);
        metrics.flowsActive.inc();
    }

    /** Records that the open of the flow started at {@code startNanos} failed with a result. */
    public void failed(long startNanos, OpenResult result) {
        if (result == OpenResult.CONNECTED) {
            throw new IllegalArgumentException("result CONNECTED (expected a failed open result)");
        }
        observeSetup(startNanos);
        failedOpens[result.ordinal()].inc();
    }

    /**
     * Records that the requester of the flow started at {@code startNanos} gave up before the
     * open result arrived, as when its client left or its own open timeout passed.
     */
    public void cancelled(long startNanos) {
        observeSetup(startNanos);
        cancelled.inc();
    }

    @Override
    public void up(long bytes) {
        bytesUp.inc(bytes);
    }

    @Override
    public void down(long bytes) {
        bytesDown.inc(bytes);
    }

    /**
     * Records the end of a connected flow and its end reason. Its bytes were counted as the
     * relay moved them, through this meter as the relay's {@link ByteCounter}.
     */
    public void finished(RelaySummary summary) {
        metrics.flowsActive.dec();
        ErrorCode code = resetCode(summary.outcome());
        if (code == null) {
            finished.inc();
        } else {
            resets[code.ordinal()].inc();
        }
    }

    private void observeSetup(long startNanos) {
        metrics.flowSetup.observe((System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * Returns the error code that ended a flow, from a relay outcome of the form
     * {@code CODE: reason}, or null for a flow both sides finished. An outcome that names no
     * known code maps to {@link ErrorCode#UNKNOWN}.
     */
    static ErrorCode resetCode(String outcome) {
        if ("closed".equals(outcome)) {
            return null;
        }
        int colon = outcome.indexOf(':');
        String name = colon < 0 ? outcome : outcome.substring(0, colon);
        try {
            return ErrorCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ErrorCode.UNKNOWN;
        }
    }

    /** Returns the label value of an enum constant: its name in lower case. */
    static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
