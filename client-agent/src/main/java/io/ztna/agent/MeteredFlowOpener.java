package io.ztna.agent;

import io.netty.util.concurrent.Future;
import io.ztna.agent.capture.FlowOpener;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.metrics.FlowMeter;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.relay.ByteCounter;
import io.ztna.proto.relay.RelaySummary;
import java.util.function.Consumer;

/**
 * Counts the agent's tunnel flows: each open, its setup time from the capture's request to the
 * open result, and how the flow ended. Flows that steering sends direct or refuses never reach
 * an opener, so they are not counted.
 */
final class MeteredFlowOpener implements FlowOpener {

    private final FlowOpener delegate;
    private final FlowMeter meter;

    MeteredFlowOpener(FlowOpener delegate, FlowMeter meter) {
        this.delegate = delegate;
        this.meter = meter;
    }

    @Override
    public Future<Stream> open(FlowMetadata flow) {
        return open(flow, null);
    }

    @Override
    public Future<Stream> open(FlowMetadata flow, Consumer<Stream> openSent) {
        long startNanos = meter.opening();
        Future<Stream> open;
        try {
            open = openSent == null ? delegate.open(flow) : delegate.open(flow, openSent);
        } catch (RuntimeException e) {
            meter.failed(startNanos, OpenResult.INTERNAL_ERROR);
            throw e;
        }
        open.addListener(f -> {
            if (f.isSuccess()) {
                meter.connected(startNanos);
            } else if (f.isCancelled()) {
                meter.cancelled(startNanos);
            } else if (f.cause() instanceof FlowOpenException failure) {
                meter.failed(startNanos, failure.result());
            } else {
                meter.failed(startNanos, OpenResult.INTERNAL_ERROR);
            }
        });
        return open;
    }

    @Override
    public ByteCounter bytes() {
        return meter;
    }

    @Override
    public void finished(RelaySummary summary) {
        meter.finished(summary);
    }
}
