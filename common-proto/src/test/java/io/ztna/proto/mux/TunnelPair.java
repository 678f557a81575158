package io.ztna.proto.mux;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two tunnels on {@link EmbeddedChannel}s joined back to back: {@link #pump()} moves the bytes
 * each side wrote to the other side until neither has anything left to send. Both channels read
 * one {@link MockTicker}, so keepalive and timeouts run only when a test calls
 * {@link #advanceMillis}. When one channel closes, the pump closes the other after passing on
 * its last bytes, as a TCP connection would.
 */
final class TunnelPair implements AutoCloseable {

    /** Upper bound on pump rounds; a test that needs more has a send loop that never ends. */
    private static final int MAX_PUMP_ROUNDS = 100_000;

    final MockTicker ticker = Ticker.newMockTicker();
    final EmbeddedChannel clientChannel = EmbeddedChannel.builder().ticker(ticker).build();
    final EmbeddedChannel serverChannel = EmbeddedChannel.builder().ticker(ticker).build();
    final RecordingTunnelListener clientListener = new RecordingTunnelListener();
    final RecordingTunnelListener serverListener = new RecordingTunnelListener();
    final Tunnel client;
    final Tunnel server;

    TunnelPair(TunnelOptions clientOptions, TunnelOptions serverOptions) {
        client = new Tunnel(clientChannel, true, clientOptions, clientListener, "server").install();
        server = new Tunnel(serverChannel, false, serverOptions, serverListener, "client")
                .install();
    }

    TunnelPair(TunnelOptions options) {
        this(options, options);
    }

    TunnelPair() {
        this(TunnelOptions.defaults());
    }

    /** Runs pending tasks and moves bytes both ways until both sides are quiet. */
    void pump() {
        for (int round = 0; round < MAX_PUMP_ROUNDS; round++) {
            clientChannel.runPendingTasks();
            serverChannel.runPendingTasks();
            boolean moved = transfer(clientChannel, serverChannel);
            moved |= transfer(serverChannel, clientChannel);
            if (!moved && !clientChannel.hasPendingTasks() && !serverChannel.hasPendingTasks()) {
                return;
            }
        }
        throw new AssertionError("tunnels still busy after " + MAX_PUMP_ROUNDS + " pump rounds");
    }

    /** Advances the shared clock, runs the tasks that became due, then pumps. */
    void advanceMillis(long millis) {
        ticker.advance(millis, TimeUnit.MILLISECONDS);
        clientChannel.runScheduledPendingTasks();
        serverChannel.runScheduledPendingTasks();
        pump();
    }

    private static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        List<Object> messages = new ArrayList<>();
        for (Object message; (message = from.readOutbound()) != null; ) {
            messages.add(message);
        }
        if (messages.isEmpty()) {
            if (!from.isOpen() && to.isOpen()) {
                to.close();
                return true;
            }
            return false;
        }
        if (to.isOpen()) {
            to.writeInbound(messages.toArray());
        } else {
            messages.forEach(ReferenceCountUtil::release);
        }
        return true;
    }

    @Override
    public void close() {
        clientChannel.finishAndReleaseAll();
        serverChannel.finishAndReleaseAll();
    }
}
