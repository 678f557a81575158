package io.ztna.agent.capture;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowIds;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.relay.ConnectFailures;
import io.ztna.proto.relay.EarlyData;
import io.ztna.proto.relay.RelaySummary;
import io.ztna.proto.relay.SocketStreamRelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One captured client connection on its way to its destination, for every capture mode that
 * decodes a destination first: SOCKS5, HTTP CONNECT and transparent capture. It gets the
 * route from {@link Steering}, opens the flow through the tunnel or connects it directly, and
 * starts the relay only once the far end connected. The capture mode reports the outcome to
 * the client through its {@link Replies}.
 *
 * <p>Confined to the client's event loop. The client socket has AUTO_READ off; while the far
 * end connects, the mode's handler feeds what the client sends into the
 * {@link EarlyClientInput}, and reads on only while {@link #awaitingFarEnd()} and the early
 * input has room. On the tunnel path those bytes leave as early data right behind the OPEN; on
 * the direct path they wait for the connect.
 */
final class CapturedFlow {

    private static final Logger log = LoggerFactory.getLogger(CapturedFlow.class);

    /** The replies of one capture mode to its client. All run on the client's event loop. */
    interface Replies {

        /**
         * Sends the reply that reports to the client that the destination connected. The relay
         * starts once the returned write succeeded. When the write fails, the flow is dropped.
         */
        ChannelFuture connected();

        /** Tells the client that steering blocked or rejected the destination, and closes. */
        void refused(Steering.Decision decision);

        /** Tells the client that the open or connect failed with {@code result}, and closes. */
        void failed(OpenResult result);

        /**
         * Removes the mode's handlers from the pipeline, after {@link #connected()} was
         * written. Bytes still buffered in a decoder go to the early input as it leaves.
         */
        void detach();
    }

    private final Channel client;
    private final String mode;
    private final FlowMetadata flow;
    private final EarlyClientInput early;
    private final Replies replies;
    private final long startNanos = System.nanoTime();
    private boolean awaitingFarEnd;

    /**
     * @param mode the capture mode for logs, such as {@code socks}; direct flows log it with a
     *     {@code -direct} suffix
     * @param flow the destination; a new flow id is added unless it carries one, so that every
     *     tier logs this flow under the same id
     */
    CapturedFlow(Channel client, String mode, FlowMetadata flow, EarlyClientInput early,
            Replies replies) {
        this.client = client;
        this.mode = mode;
        this.flow = flow.flowId() == null ? flow.withFlowId(FlowIds.next()) : flow;
        this.early = early;
        this.replies = replies;
    }

    /** Returns whether the far end is still connecting, so the client may be read on. */
    boolean awaitingFarEnd() {
        return awaitingFarEnd;
    }

    /**
     * Steers the flow and starts the open or the direct connect.
     *
     * @param directAllowed false when the destination has no address of its own to connect to,
     *     as with a stub address: then an uncovered destination is refused instead of connected
     * @param socketMark SO_MARK of a direct connection's socket, or 0 for none
     */
    void start(Steering steering, FlowOpener opener, CaptureTimeouts timeouts,
            boolean directAllowed, int socketMark) {
        Steering.Decision decision;
        try {
            decision = steering.decide(flow.host(), flow.port());
        } catch (RuntimeException e) {
            log.error("{} steering failed: mode={} destination={}", client.id().asShortText(),
                    mode, flow.destination(), e);
            replies.failed(OpenResult.INTERNAL_ERROR);
            return;
        }
        switch (decision) {
            case TUNNEL -> openTunnel(opener, timeouts.open().toMillis());
            case DIRECT -> {
                if (directAllowed) {
                    openDirect((int) timeouts.directConnect().toMillis(), socketMark);
                } else {
                    FlowLog.failed(client, mode, flow, Steering.Decision.REJECT,
                            "no app covers the destination, and it has no address to connect "
                                    + "to directly");
                    replies.refused(Steering.Decision.REJECT);
                }
            }
            case BLOCKED -> {
                FlowLog.failed(client, mode, flow, decision,
                        "a steering block rule covers the destination");
                replies.refused(decision);
            }
            case REJECT -> {
                FlowLog.failed(client, mode, flow, decision,
                        "no app covers the destination and uncovered destinations are rejected");
                replies.refused(decision);
            }
            default -> throw new IllegalStateException("unknown steering decision " + decision);
        }
    }

    private void openTunnel(FlowOpener opener, long timeoutMillis) {
        awaitingFarEnd = true;
        EarlyData sent = new EarlyData();
        early.sendThrough(sent, opener.bytes());
        FlowOpenAttempt.start(client, opener, flow, timeoutMillis, sent,
                new FlowOpenAttempt.Outcome() {
                    @Override
                    public void opened(Stream stream) {
                        awaitingFarEnd = false;
                        FlowLog.opened(client, mode, flow, "tunnel stream " + stream.id());
                        replies.connected().addListener(written -> {
                            if (!written.isSuccess()) {
                                String reason = mode + " reply could not be written";
                                stream.reset(ErrorCode.CLIENT_RESET, reason);
                                opener.finished(new RelaySummary(0, 0,
                                        ErrorCode.CLIENT_RESET + ": " + reason));
                                return;
                            }
                            replies.detach();
                            early.handOverToStreamRelay(client);
                            SocketStreamRelay relay = SocketStreamRelay.forOpenedStream(
                                    client, stream, ErrorCode.CLIENT_RESET, opener.bytes(),
                                    sent.bytes());
                            relay.completion().addListener(f -> FlowLog.finished(client, mode,
                                    flow, relay.completion().getNow(), startNanos));
                            relay.completion().addListener(f -> opener.finished(
                                    relay.completion().getNow()));
                        });
                    }

                    @Override
                    public void failed(OpenResult result, String reason) {
                        awaitingFarEnd = false;
                        FlowLog.failed(client, mode, flow, result, reason);
                        replies.failed(result);
                    }
                });
    }

    private void openDirect(int timeoutMillis, int socketMark) {
        String directMode = mode + "-direct";
        ChannelFuture connect = DirectConnector.connect(client.eventLoop(), flow.host(),
                flow.port(), timeoutMillis, socketMark);
        ChannelFutureListener cancelOnClose = f -> connect.cancel(false);
        client.closeFuture().addListener(cancelOnClose);
        awaitingFarEnd = true;
        connect.addListener(f -> {
            awaitingFarEnd = false;
            client.closeFuture().removeListener(cancelOnClose);
            if (connect.isCancelled()) {
                return;
            }
            if (!connect.isSuccess()) {
                OpenResult result = ConnectFailures.resultOf(connect.cause());
                FlowLog.failed(client, directMode, flow, result,
                        connect.cause().toString());
                replies.failed(result);
                return;
            }
            Channel remote = connect.channel();
            if (!client.isActive()) {
                remote.close();
                return;
            }
            FlowLog.opened(client, directMode, flow, remote.localAddress()
                    + " -> " + remote.remoteAddress());
            replies.connected().addListener(written -> {
                if (!written.isSuccess()) {
                    remote.close();
                    return;
                }
                replies.detach();
                SocketPairRelay relay = SocketPairRelay.join(client, remote, early.queue(),
                        early.inputShutdown());
                relay.completion().addListener(done -> FlowLog.finished(client, directMode,
                        flow, relay.completion().getNow(), startNanos));
            });
        });
    }
}
