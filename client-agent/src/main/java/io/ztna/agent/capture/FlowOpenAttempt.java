package io.ztna.agent.capture;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.relay.EarlyData;
import io.ztna.proto.relay.RelaySummary;
import java.util.concurrent.TimeUnit;

/**
 * Opens one tunnel flow on behalf of one client socket.
 *
 * <p>The {@link Outcome} runs at most once, on the client's event loop: {@link Outcome#opened}
 * when the far end connected, {@link Outcome#failed} when the open failed or took longer than
 * the open timeout. When the client closes first, the open is cancelled and the outcome never
 * runs; a stream that arrives anyway is reset with {@link ErrorCode#CLIENT_RESET}, and so is a
 * stream that arrives after the timeout.
 *
 * <p>The client's early bytes go out through an {@link EarlyData}: attached to the stream of
 * each attempt as soon as its OPEN is written, or to the opened stream when the opener reports
 * no attempt, and settled when the open ends either way.
 */
final class FlowOpenAttempt {

    /** Receives the end of an open attempt, on the client's event loop. */
    interface Outcome {

        /** The far end connected; the callee now owns {@code stream}. */
        void opened(Stream stream);

        /** The open failed; {@code reason} is for the log, never for the client. */
        void failed(OpenResult result, String reason);
    }

    private final Channel client;
    private final EarlyData early;
    private final Outcome outcome;
    private FlowOpener opener;
    private Future<Stream> open;
    private ScheduledFuture<?> timeout;
    private ChannelFutureListener onClientClosed;
    private boolean done;

    private FlowOpenAttempt(Channel client, EarlyData early, Outcome outcome) {
        this.client = client;
        this.early = early;
        this.outcome = outcome;
    }

    /**
     * Starts opening {@code flow}; call on the client's event loop.
     *
     * @param early where the capture writes what the client sends before the open ends
     */
    static void start(Channel client, FlowOpener opener, FlowMetadata flow, long timeoutMillis,
            EarlyData early, Outcome outcome) {
        new FlowOpenAttempt(client, early, outcome).run(opener, flow, timeoutMillis);
    }

    private void run(FlowOpener opener, FlowMetadata flow, long timeoutMillis) {
        this.opener = opener;
        try {
            open = opener.open(flow, stream -> onClientLoop(() -> early.attach(stream)));
        } catch (RuntimeException e) {
            finish();
            early.settle();
            outcome.failed(OpenResult.INTERNAL_ERROR, "flow opener failed: " + e);
            return;
        }
        timeout = client.eventLoop().schedule(() -> onTimeout(timeoutMillis),
                timeoutMillis, TimeUnit.MILLISECONDS);
        onClientClosed = f -> onClientClosed();
        client.closeFuture().addListener(onClientClosed);
        open.addListener(f -> onClientLoop(this::onOpenDone));
    }

    private void onClientLoop(Runnable task) {
        if (client.eventLoop().inEventLoop()) {
            task.run();
        } else {
            client.eventLoop().execute(task);
        }
    }

    private void onOpenDone() {
        if (done) {
            if (open.isSuccess()) {
                String reason = "flow no longer wanted by the agent";
                open.getNow().reset(ErrorCode.CLIENT_RESET, reason);
                opener.finished(new RelaySummary(0, 0, ErrorCode.CLIENT_RESET + ": " + reason));
            }
            return;
        }
        finish();
        if (open.isSuccess()) {
            early.attach(open.getNow());
        }
        early.settle();
        if (open.isSuccess()) {
            outcome.opened(open.getNow());
        } else if (open.cause() instanceof FlowOpenException failure) {
            outcome.failed(failure.result(), failure.getMessage());
        } else {
            outcome.failed(OpenResult.INTERNAL_ERROR, String.valueOf(open.cause()));
        }
    }

    private void onTimeout(long timeoutMillis) {
        if (done) {
            return;
        }
        finish();
        early.settle();
        open.cancel(false);
        outcome.failed(OpenResult.TIMED_OUT, "no open result within " + timeoutMillis + " ms");
    }

    private void onClientClosed() {
        if (done) {
            return;
        }
        finish();
        early.settle();
        open.cancel(false);
    }

    /** Ends the attempt. The early data is settled by the caller, after a last attach. */
    private void finish() {
        done = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (onClientClosed != null) {
            client.closeFuture().removeListener(onClientClosed);
        }
    }
}
