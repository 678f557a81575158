package io.ztna.proto.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.Future;
import io.ztna.proto.frame.ControlFrame;
import io.ztna.proto.frame.DataFrame;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FinFrame;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.Frame;
import io.ztna.proto.frame.FrameDecoder;
import io.ztna.proto.frame.FrameEncoder;
import io.ztna.proto.frame.GoAwayFrame;
import io.ztna.proto.frame.HelloFrame;
import io.ztna.proto.frame.OpenFrame;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.frame.OpenResultFrame;
import io.ztna.proto.frame.PingFrame;
import io.ztna.proto.frame.ResetFrame;
import io.ztna.proto.frame.TunnelSettings;
import io.ztna.proto.frame.WindowUpdateFrame;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The multiplexer against a second multiplexer ({@link TunnelPair}) or against a peer scripted
 * frame by frame ({@link ScriptedPeer}), all on embedded channels with a mock clock.
 */
@ExtendWith(LeakCheck.class)
class TunnelTest {

    private static final FlowMetadata APP = FlowMetadata.tcp("wiki.corp.example", 443);
    private static final int STREAM_WINDOW = TunnelSettings.DEFAULT_INITIAL_STREAM_WINDOW;
    private static final int TUNNEL_WINDOW = TunnelSettings.DEFAULT_TUNNEL_WINDOW;

    // HELLO and opening.

    @Test
    void helloExchangeMakesBothSidesReady() {
        try (TunnelPair pair = new TunnelPair()) {
            assertThat(pair.client.readyFuture().isDone()).isFalse();

            pair.pump();

            assertThat(pair.client.readyFuture().isSuccess()).isTrue();
            assertThat(pair.server.readyFuture().isSuccess()).isTrue();
            assertThat(pair.client.isActive()).isTrue();
            assertThat(pair.client.acceptsNewStreams()).isTrue();
            assertThat(pair.clientListener.readyCount).isEqualTo(1);
            assertThat(pair.serverListener.readyCount).isEqualTo(1);
        }
    }

    @Test
    void acceptedOpenConnects() {
        FlowMetadata metadata = APP.withIdentity("flow-1", "alice", "laptop", "wiki")
                .withPublisher("pub-1");
        try (TunnelPair pair = new TunnelPair()) {
            pair.pump();

            Future<Stream> open = pair.client.open(metadata);
            pair.pump();

            assertThat(open.isSuccess()).isTrue();
            assertThat(open.getNow().id()).isEqualTo(1);
            assertThat(pair.serverListener.lastOpened().id()).isEqualTo(1);
            assertThat(pair.serverListener.lastOpened().metadata()).isEqualTo(metadata);
            assertThat(pair.client.streamCount()).isEqualTo(1);
            assertThat(pair.server.streamCount()).isEqualTo(1);
        }
    }

    @Test
    void serverOpensEvenStreamIds() {
        try (TunnelPair pair = new TunnelPair()) {
            pair.pump();

            Future<Stream> first = pair.server.open(APP);
            Future<Stream> second = pair.server.open(APP);
            pair.pump();

            assertThat(first.getNow().id()).isEqualTo(2);
            assertThat(second.getNow().id()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(value = OpenResult.class, names = "CONNECTED", mode = EnumSource.Mode.EXCLUDE)
    void rejectedOpenFailsWithResult(OpenResult result) {
        try (TunnelPair pair = new TunnelPair()) {
            pair.serverListener.onOpen = stream -> stream.reject(result, "because " + result);
            pair.pump();

            Future<Stream> open = pair.client.open(APP);
            pair.pump();

            assertThat(open.cause()).isInstanceOf(FlowOpenException.class)
                    .hasMessage("because " + result);
            assertThat(((FlowOpenException) open.cause()).result()).isEqualTo(result);
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
        }
    }

    @Test
    void unansweredOpenTimesOut() {
        TunnelOptions options = TunnelOptions.defaults().withOpenTimeout(500);
        try (TunnelPair pair = new TunnelPair(options)) {
            pair.serverListener.onOpen = stream -> { };
            pair.pump();

            Future<Stream> open = pair.client.open(APP);
            pair.pump();
            pair.advanceMillis(499);
            assertThat(open.isDone()).isFalse();
            pair.advanceMillis(1);

            assertThat(((FlowOpenException) open.cause()).result()).isEqualTo(OpenResult.TIMED_OUT);
            assertThat(open.cause()).hasMessage("no OPEN_RESULT within 500 ms");
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
            RecordingStreamListener late =
                    pair.serverListener.accept(pair.serverListener.lastOpened(), true);
            pair.pump();
            assertThat(late.resetCode()).isEqualTo(ErrorCode.CANCEL);
            assertThat(pair.client.isActive()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = OpenResult.class, names = {"CONNECTED", "APP_REFUSED"})
    void answeredOpenCancelsItsTimer(OpenResult result) {
        TunnelOptions options = TunnelOptions.defaults().withOpenTimeout(500);
        try (TunnelPair pair = new TunnelPair(options)) {
            pair.serverListener.onOpen = stream -> {
                if (result == OpenResult.CONNECTED) {
                    stream.accept(new RecordingStreamListener(true));
                } else {
                    stream.reject(result, "no");
                }
            };
            pair.pump();

            Future<Stream> open = pair.client.open(APP);
            pair.pump();

            assertThat(open.isSuccess()).isEqualTo(result == OpenResult.CONNECTED);
            // A pending open timer would keep the stream and its relay reachable for the whole
            // open timeout, so the next timer due on the opener's loop is the keepalive ping.
            long nextTimerNanos = pair.clientChannel.runScheduledPendingTasks();
            assertThat(nextTimerNanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10_000));
        }
    }

    @Test
    void openBeforeReadyFailsWithGoingAway() {
        try (TunnelPair pair = new TunnelPair()) {
            Future<Stream> open = pair.client.open(APP);

            assertThat(((FlowOpenException) open.cause()).result())
                    .isEqualTo(OpenResult.GOING_AWAY);
            assertThat(open.cause()).hasMessage("tunnel not ready");
        }
    }

    // Early data: DATA and FIN before the open result.

    @Test
    void earlyDataWaitsForAcceptorListener() {
        byte[] request = randomBytes(40_000, 11);
        try (TunnelPair pair = new TunnelPair()) {
            pair.serverListener.onOpen = stream -> { };
            pair.pump();

            Future<Stream> open = pair.client.open(APP, stream -> {
                stream.write(Unpooled.wrappedBuffer(request));
                stream.fin();
            });
            pair.pump();
            assertThat(open.isDone()).isFalse();

            // Accepting delivers the bytes at once: they crossed with the OPEN, before any reply.
            RecordingStreamListener server =
                    pair.serverListener.accept(pair.serverListener.lastOpened(), true);
            assertThat(server.received()).isEqualTo(request);
            assertThat(server.finReceived()).isTrue();

            pair.pump();
            assertThat(open.isSuccess()).isTrue();
        }
    }

    @Test
    void earlyDataWaitsWithoutPeerSupport() {
        TunnelSettings noEarlyData = new TunnelSettings(TunnelSettings.PROTOCOL_VERSION,
                TunnelSettings.DEFAULT_MAX_FRAME_LENGTH, STREAM_WINDOW, TUNNEL_WINDOW, false);
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults())) {
            peer.send(new HelloFrame(noEarlyData));
            peer.received();

            peer.tunnel.open(APP, stream -> stream.write(ascii("ping")));
            assertThat(peer.received()).containsExactly(new OpenFrame(1, APP));

            peer.send(new OpenResultFrame(1, OpenResult.CONNECTED, ""));
            assertThat(peer.received()).usingRecursiveFieldByFieldElementComparator()
                    .containsExactly(new ScriptedPeer.ReceivedData(1, bytes("ping")));
        }
    }

    @Test
    void earlyDataGoesOutWithTheOpen() {
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults())) {
            peer.handshake();

            peer.tunnel.open(APP, stream -> {
                stream.write(ascii("ping"));
                stream.fin();
            });

            assertThat(peer.received()).usingRecursiveFieldByFieldElementComparator()
                    .containsExactly(new OpenFrame(1, APP),
                            new ScriptedPeer.ReceivedData(1, bytes("ping")), new FinFrame(1));
        }
    }

    @Test
    void rejectedOpenReturnsEarlyDataCredit() {
        try (TunnelPair pair = new TunnelPair()) {
            pair.serverListener.onOpen = stream -> { };
            pair.pump();
            Future<Stream> open = pair.client.open(APP,
                    stream -> stream.write(Unpooled.wrappedBuffer(randomBytes(100_000, 12))));
            pair.pump();

            pair.serverListener.lastOpened().reject(OpenResult.APP_REFUSED, "refused");
            pair.pump();

            assertThat(((FlowOpenException) open.cause()).result())
                    .isEqualTo(OpenResult.APP_REFUSED);
            TunnelStats receiver = pair.server.stats().getNow();
            assertThat(receiver.receiveWindow()).isEqualTo(TUNNEL_WINDOW);
            assertThat(receiver.unconsumedBytes()).isZero();
            assertThat(pair.client.stats().getNow().sendWindow()).isEqualTo(TUNNEL_WINDOW);
        }
    }

    @Test
    void unannouncedEarlyDataIsStreamClosed() {
        TunnelSettings noEarlyData = new TunnelSettings(TunnelSettings.PROTOCOL_VERSION,
                TunnelSettings.DEFAULT_MAX_FRAME_LENGTH, STREAM_WINDOW, TUNNEL_WINDOW, false);
        try (ScriptedPeer peer =
                new ScriptedPeer(TunnelOptions.defaults().withSettings(noEarlyData))) {
            peer.handshake();
            peer.listener.onOpen = stream -> { };

            peer.send(new OpenFrame(2, APP), data(2, 10));

            assertThat(peer.received(GoAwayFrame.class)).containsExactly(new GoAwayFrame(2,
                    ErrorCode.STREAM_CLOSED, "DATA on stream 2 in state AWAITING_ACCEPT"));
            assertThat(peer.channel.isOpen()).isFalse();
        }
    }

    @Test
    void resetBeforeResultFailsOpen() {
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults())) {
            peer.handshake();

            Future<Stream> open = peer.tunnel.open(APP,
                    stream -> stream.reset(ErrorCode.CLIENT_RESET, "client gone"));

            assertThat(((FlowOpenException) open.cause()).result())
                    .isEqualTo(OpenResult.INTERNAL_ERROR);
            assertThat(open.cause())
                    .hasMessage("stream closed by this side before the open result");
            assertThat(peer.received()).containsExactly(new OpenFrame(1, APP),
                    new ResetFrame(1, ErrorCode.CLIENT_RESET, "client gone"));
        }
    }

    // Data, FIN and RESET.

    @Test
    void dataFlowsBothWaysExactly() {
        byte[] up = randomBytes(100_000, 1);
        byte[] down = randomBytes(70_001, 2);
        try (TunnelPair pair = new TunnelPair()) {
            StreamUnderTest flow = StreamUnderTest.open(pair, true);

            ChannelPromise upWrite = flow.clientStream.write(Unpooled.wrappedBuffer(up));
            flow.serverStream().write(Unpooled.wrappedBuffer(down));
            pair.pump();

            assertThat(flow.serverSide().received()).isEqualTo(up);
            assertThat(flow.clientSide.received()).isEqualTo(down);
            assertThat(upWrite.isSuccess()).isTrue();
        }
    }

    @Test
    void clientFinLeavesOtherDirectionOpen() {
        try (TunnelPair pair = new TunnelPair()) {
            StreamUnderTest flow = StreamUnderTest.open(pair, true);

            flow.clientStream.write(ascii("request"));
            flow.clientStream.fin();
            pair.pump();
            assertThat(flow.serverSide().received()).isEqualTo(bytes("request"));
            assertThat(flow.serverSide().finReceived()).isTrue();
            assertThat(flow.clientSide.finReceived()).isFalse();

            flow.serverStream().write(ascii("answer"));
            pair.pump();
            assertThat(flow.clientSide.received()).isEqualTo(bytes("answer"));
            assertThat(pair.client.streamCount()).isEqualTo(1);

            flow.serverStream().fin();
            pair.pump();
            assertThat(flow.clientSide.finReceived()).isTrue();
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
            assertThat(flow.clientSide.resetCount()).isZero();
            assertThat(flow.serverSide().resetCount()).isZero();
        }
    }

    @Test
    void serverFinLeavesOtherDirectionOpen() {
        try (TunnelPair pair = new TunnelPair()) {
            StreamUnderTest flow = StreamUnderTest.open(pair, true);

            flow.serverStream().write(ascii("banner"));
            flow.serverStream().fin();
            pair.pump();
            assertThat(flow.clientSide.received()).isEqualTo(bytes("banner"));
            assertThat(flow.clientSide.finReceived()).isTrue();

            flow.clientStream.write(ascii("late upload"));
            pair.pump();
            assertThat(flow.serverSide().received()).isEqualTo(bytes("late upload"));
            assertThat(flow.serverSide().finReceived()).isFalse();

            flow.clientStream.fin();
            pair.pump();
            assertThat(flow.serverSide().finReceived()).isTrue();
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
        }
    }

    @Test
    void writeAfterFinFails() {
        try (TunnelPair pair = new TunnelPair()) {
            StreamUnderTest flow = StreamUnderTest.open(pair, true);
            flow.clientStream.fin();

            ChannelPromise write = flow.clientStream.write(ascii("too late"));
            pair.pump();

            assertThat(write.cause()).isInstanceOf(IllegalStateException.class)
                    .hasMessage("stream 1 is half-closed for writing");
            assertThat(flow.serverSide().receivedLength()).isZero();
        }
    }

    @Test
    void clientResetReachesServer() {
        try (TunnelPair pair = new TunnelPair()) {
            StreamUnderTest flow = StreamUnderTest.open(pair, true);

            flow.clientStream.reset(ErrorCode.CLIENT_RESET, "browser tab closed");
            pair.pump();

            assertThat(flow.serverSide().resetCode()).isEqualTo(ErrorCode.CLIENT_RESET);
            assertThat(flow.serverSide().resetReason()).isEqualTo("browser tab closed");
            assertThat(flow.clientSide.resetCount()).isZero();
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
        }
    }

    @Test
    void serverResetReachesClient() {
        try (TunnelPair pair = new TunnelPair()) {
            StreamUnderTest flow = StreamUnderTest.open(pair, true);

            flow.serverStream().reset(ErrorCode.APP_RESET, "connection reset by app");
            pair.pump();

            assertThat(flow.clientSide.resetCode()).isEqualTo(ErrorCode.APP_RESET);
            assertThat(flow.clientSide.resetReason()).isEqualTo("connection reset by app");
            assertThat(pair.client.streamCount()).isZero();
            assertThat(pair.server.streamCount()).isZero();
        }
    }

    @Test
    void resetBeforeListenReachesLateListener() {
        try (TunnelPair pair = new TunnelPair()) {
            pair.pump();
            Future<Stream> open = pair.client.open(APP);
            pair.pump();
            Stream serverStream = pair.serverListener.lastOpened();

            serverStream.write(ascii("partial"));
            serverStream.reset(ErrorCode.APP_RESET, "app crashed");
            pair.pump();
            RecordingStreamListener late = new RecordingStreamListener(true);
            open.getNow().listen(late);
            pair.pump();

            assertThat(late.resetCode()).isEqualTo(ErrorCode.APP_RESET);
            assertThat(late.resetReason()).isEqualTo("app crashed");
            assertThat(late.receivedLength()).isZero();
        }
    }

    @Test
    void tunnelCloseBeforeListenReachesLateListener() {
        try (TunnelPair pair = new TunnelPair()) {
            pair.pump();
            Future<Stream> open = pair.client.open(APP);
            pair.pump();

            pair.serverChannel.close();
            pair.pump();
            RecordingStreamListener late = new RecordingStreamListener(true);
            open.getNow().listen(late);

            assertThat(late.resetCode()).isEqualTo(ErrorCode.PEER_GONE);
            assertThat(pair.clientListener.closedReason).isNotNull();
        }
    }

    @Test
    void finishedStreamDeliversToLateListener() {
        try (TunnelPair pair = new TunnelPair()) {
            pair.pump();
            Future<Stream> open = pair.client.open(APP);
            pair.pump();
            Stream clientStream = open.getNow();
            Stream serverStream = pair.serverListener.lastOpened();

            clientStream.fin();
            serverStream.write(ascii("whole answer"));
            serverStream.fin();
            pair.pump();
            assertThat(pair.client.streamCount()).isZero();
            RecordingStreamListener late = new RecordingStreamListener(true);
            clientStream.listen(late);

            assertThat(late.received()).isEqualTo(bytes("whole answer"));
            assertThat(late.finReceived()).isTrue();
            assertThat(late.resetCount()).isZero();
        }
    }

    @Test
    void dataWrittenBeforeAcceptFollowsConnected() {
        try (TunnelPair pair = new TunnelPair()) {
            pair.serverListener.onOpen = stream -> {
                stream.write(ascii("early banner"));
                stream.fin();
            };
            pair.pump();
            Future<Stream> open = pair.client.open(APP);
            pair.pump();
            assertThat(open.isDone()).isFalse();

            pair.serverListener.accept(pair.serverListener.lastOpened(), true);
            pair.pump();

            assertThat(open.isSuccess()).isTrue();
            RecordingStreamListener clientSide = new RecordingStreamListener(true);
            open.getNow().listen(clientSide);
            assertThat(clientSide.received()).isEqualTo(bytes("early banner"));
            assertThat(clientSide.finReceived()).isTrue();
            assertThat(pair.client.isActive()).isTrue();
        }
    }

    @Test
    void dataWrittenBeforeRejectIsReleased() {
        try (TunnelPair pair = new TunnelPair()) {
            ChannelPromise[] write = new ChannelPromise[1];
            pair.serverListener.onOpen = stream -> {
                write[0] = stream.write(ascii("never sent"));
                stream.reject(OpenResult.APP_REFUSED, "port closed");
            };
            pair.pump();
            Future<Stream> open = pair.client.open(APP);
            pair.pump();

            assertThat(((FlowOpenException) open.cause()).result())
                    .isEqualTo(OpenResult.APP_REFUSED);
            assertThat(write[0].isSuccess()).isFalse();
            assertThat(pair.client.isActive()).isTrue();
        }
    }

    // Flow control.

    @Test
    void stalledStreamStopsAtWindowWhileOthersFlow() {
        byte[] bulk = randomBytes(1024 * 1024, 3);
        byte[] echo = randomBytes(1024 * 1024, 4);
        try (TunnelPair pair = new TunnelPair()) {
            StreamUnderTest stalled = StreamUnderTest.open(pair, false);
            StreamUnderTest flowing = StreamUnderTest.open(pair, true);

            stalled.serverStream().write(Unpooled.wrappedBuffer(bulk));
            flowing.serverStream().write(Unpooled.wrappedBuffer(echo));
            pair.pump();

            assertThat(stalled.clientSide.receivedLength()).isEqualTo(STREAM_WINDOW);
            assertThat(flowing.clientSide.received()).isEqualTo(echo);
            assertThat(stalled.serverStream().isWritable()).isFalse();

            stalled.clientSide.consumeAll();
            pair.pump();
            for (int round = 0; round < 20 && stalled.clientSide.receivedLength() < bulk.length;
                    round++) {
                stalled.clientSide.consumeAll();
                pair.pump();
            }

            assertThat(stalled.clientSide.received()).isEqualTo(bulk);
            assertThat(stalled.serverStream().isWritable()).isTrue();
        }
    }

    @Test
    void sendWindowExhaustionReachesObserver() {
        AtomicInteger exhausted = new AtomicInteger();
        TunnelObserver observer = new TunnelObserver() {
            @Override
            public void sendWindowExhausted() {
                exhausted.incrementAndGet();
            }
        };
        TunnelOptions options = TunnelOptions.defaults();
        try (TunnelPair pair = new TunnelPair(options, options.withObserver(observer))) {
            StreamUnderTest exact = StreamUnderTest.open(pair, false);
            exact.serverStream().write(Unpooled.wrappedBuffer(randomBytes(STREAM_WINDOW, 7)));
            pair.pump();
            assertThat(exhausted).as("after a write of exactly one window").hasValue(0);

            exact.serverStream().write(Unpooled.wrappedBuffer(randomBytes(1, 8)));
            pair.pump();
            assertThat(exhausted).as("after one byte beyond the window").hasValue(1);
            exact.serverStream().write(Unpooled.wrappedBuffer(randomBytes(1, 9)));
            pair.pump();
            assertThat(exhausted).as("after a second byte in the same stall").hasValue(1);

            StreamUnderTest large = StreamUnderTest.open(pair, false);
            large.serverStream().write(
                    Unpooled.wrappedBuffer(randomBytes(2 * STREAM_WINDOW, 10)));
            pair.pump();
            assertThat(exhausted).as("after a write of two windows on a second stream")
                    .hasValue(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"client", "server"})
    void resetReturnsUnconsumedTunnelCredit(String resettingSide) {
        // A window that does not divide the tunnel's WINDOW_UPDATE batch size.
        TunnelSettings settings = new TunnelSettings(TunnelSettings.PROTOCOL_VERSION,
                TunnelSettings.DEFAULT_MAX_FRAME_LENGTH, 100_000, TUNNEL_WINDOW, true);
        TunnelOptions options = TunnelOptions.defaults().withSettings(settings);
        byte[] download = randomBytes(1024 * 1024, 5);
        try (TunnelPair pair = new TunnelPair(options)) {
            for (int i = 0; i < 200; i++) {
                StreamUnderTest flow = StreamUnderTest.open(pair, false);
                flow.serverStream().write(Unpooled.wrappedBuffer(download));
                pair.pump();
                assertThat(flow.clientSide.receivedLength()).isEqualTo(100_000);

                if (resettingSide.equals("client")) {
                    flow.clientStream.reset(ErrorCode.CLIENT_RESET, "client gone");
                } else {
                    flow.serverStream().reset(ErrorCode.APP_RESET, "app gone");
                }
                pair.pump();

                TunnelStats sender = pair.server.stats().getNow();
                TunnelStats receiver = pair.client.stats().getNow();
                assertThat(sender.sendWindow()).as("sender window after reset %d", i)
                        .isEqualTo(TUNNEL_WINDOW);
                assertThat(receiver.receiveWindow()).isEqualTo(TUNNEL_WINDOW);
                assertThat(receiver.unconsumedBytes()).isZero();
                assertThat(receiver.streams()).isZero();
            }
        }
    }

    @Test
    void dataOnClosedStreamIsDroppedAndCredited() {
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults())) {
            peer.handshake();
            Future<Stream> open = peer.tunnel.open(APP);
            peer.send(new OpenResultFrame(1, OpenResult.CONNECTED, ""));
            open.getNow().reset(ErrorCode.CANCEL, "no longer wanted");
            assertThat(peer.received(ResetFrame.class))
                    .containsExactly(new ResetFrame(1, ErrorCode.CANCEL, "no longer wanted"));

            for (int i = 0; i < 16; i++) {
                peer.send(data(1, TunnelSettings.DEFAULT_MAX_FRAME_LENGTH));
            }
            peer.send(new FinFrame(1), new WindowUpdateFrame(1, 1000),
                    new ResetFrame(1, ErrorCode.CANCEL, "crossed"),
                    new OpenResultFrame(1, OpenResult.CONNECTED, ""));

            assertThat(peer.received(WindowUpdateFrame.class))
                    .containsExactly(new WindowUpdateFrame(0, 16 * TunnelSettings.DEFAULT_MAX_FRAME_LENGTH));
            assertThat(peer.channel.isOpen()).isTrue();
            assertThat(peer.tunnel.stats().getNow().receiveWindow()).isEqualTo(TUNNEL_WINDOW);
        }
    }

    @Test
    void dataBeyondStreamWindowIsFlowControlError() {
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults())) {
            peer.handshake();
            peer.listener.onOpen = stream -> peer.listener.accept(stream, false);
            peer.send(new OpenFrame(2, APP));
            for (int i = 0; i < STREAM_WINDOW / TunnelSettings.DEFAULT_MAX_FRAME_LENGTH; i++) {
                peer.send(data(2, TunnelSettings.DEFAULT_MAX_FRAME_LENGTH));
            }
            assertThat(peer.channel.isOpen()).isTrue();

            peer.send(data(2, 1));

            assertThat(peer.received(GoAwayFrame.class)).containsExactly(new GoAwayFrame(2,
                    ErrorCode.FLOW_CONTROL_ERROR,
                    "DATA of 1 bytes exceeds the window of stream 2 (0 bytes)"));
            assertThat(peer.channel.isOpen()).isFalse();
            RecordingStreamListener stream = peer.listener.listenerOf(peer.listener.lastOpened());
            assertThat(stream.resetCode()).isEqualTo(ErrorCode.PEER_GONE);
        }
    }

    @Test
    void dataBeyondTunnelWindowIsFlowControlError() {
        TunnelSettings settings = new TunnelSettings(TunnelSettings.PROTOCOL_VERSION,
                TunnelSettings.DEFAULT_MAX_FRAME_LENGTH, 32 * 1024, 48 * 1024, true);
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults().withSettings(settings))) {
            peer.handshake();
            peer.listener.onOpen = stream -> peer.listener.accept(stream, false);
            peer.send(new OpenFrame(2, APP), new OpenFrame(4, APP));
            peer.send(data(2, 16 * 1024), data(2, 16 * 1024), data(4, 16 * 1024));
            assertThat(peer.channel.isOpen()).isTrue();

            peer.send(data(4, 1));

            assertThat(peer.received(GoAwayFrame.class)).containsExactly(new GoAwayFrame(4,
                    ErrorCode.FLOW_CONTROL_ERROR,
                    "DATA of 1 bytes exceeds the tunnel window of 0 bytes"));
            assertThat(peer.channel.isOpen()).isFalse();
        }
    }

    // Protocol errors.

    static List<Supplier<Frame>> framesForUnknownStreams() {
        return List.of(
                () -> data(5, 100),
                () -> new FinFrame(5),
                () -> new ResetFrame(5, ErrorCode.CANCEL, ""),
                () -> new WindowUpdateFrame(5, 100),
                () -> new OpenResultFrame(5, OpenResult.CONNECTED, ""),
                () -> new FinFrame(6),
                () -> data(8, 1));
    }

    @ParameterizedTest
    @MethodSource("framesForUnknownStreams")
    void frameForUnknownStreamClosesTunnel(Supplier<Frame> frameSupplier) {
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults())) {
            peer.handshake();
            Frame frame = frameSupplier.get();
            String expected = frame.type() + " frame for unknown stream " + frame.streamId();

            peer.send(frame);

            assertThat(peer.received(GoAwayFrame.class)).containsExactly(
                    new GoAwayFrame(0, ErrorCode.PROTOCOL_ERROR, expected));
            assertThat(peer.channel.isOpen()).isFalse();
            assertThat(peer.listener.closedReason).isEqualTo("PROTOCOL_ERROR: " + expected);
        }
    }

    @Test
    void frameBeforeHelloClosesTunnel() {
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults())) {
            assertThat(peer.received()).containsExactly(new HelloFrame(TunnelSettings.defaults()));

            peer.send(new PingFrame(1, false));

            assertThat(peer.received()).containsExactly(
                    new GoAwayFrame(0, ErrorCode.PROTOCOL_ERROR, "PING frame before HELLO"));
            assertThat(peer.channel.isOpen()).isFalse();
            assertThat(peer.tunnel.readyFuture().isSuccess()).isFalse();
        }
    }

    @Test
    void dataBeforeHelloIsReleased() {
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults())) {
            peer.send(data(1, 10));

            assertThat(peer.received(GoAwayFrame.class)).containsExactly(
                    new GoAwayFrame(0, ErrorCode.PROTOCOL_ERROR, "DATA frame before HELLO"));
            assertThat(peer.channel.isOpen()).isFalse();
        }
    }

    @Test
    void secondHelloClosesTunnel() {
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults())) {
            peer.handshake();

            peer.send(new HelloFrame(TunnelSettings.defaults()));

            assertThat(peer.received(GoAwayFrame.class)).containsExactly(
                    new GoAwayFrame(0, ErrorCode.PROTOCOL_ERROR, "second HELLO frame"));
        }
    }

    @Test
    void malformedBytesCloseTunnelWithDecoderCode() {
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults())) {
            peer.handshake();

            // A DATA header announcing one byte more than the 16 KiB maximum, with no payload.
            peer.channel.writeInbound(Unpooled.wrappedBuffer(
                    new byte[] {0, 0x40, 0x01, 0, 0, 0, 0, 0, 1}));

            assertThat(peer.received(GoAwayFrame.class)).containsExactly(new GoAwayFrame(0,
                    ErrorCode.FRAME_SIZE_ERROR, "frame length 16385 exceeds maximum 16384 (type 0)"));
            assertThat(peer.channel.isOpen()).isFalse();
        }
    }

    // Keepalive.

    @Test
    void silentPeerIsDeclaredDead() {
        TunnelOptions options = TunnelOptions.defaults().withKeepalive(100, 300);
        try (ScriptedPeer peer = new ScriptedPeer(options)) {
            peer.handshake();

            peer.advanceMillis(100);
            peer.advanceMillis(100);
            assertThat(peer.received(PingFrame.class)).hasSize(2);
            assertThat(peer.channel.isOpen()).isTrue();
            peer.advanceMillis(100);

            assertThat(peer.received(GoAwayFrame.class)).containsExactly(new GoAwayFrame(0,
                    ErrorCode.KEEPALIVE_TIMEOUT, "nothing received for 300 ms"));
            assertThat(peer.channel.closeFuture().isDone()).isTrue();
            assertThat(peer.listener.closedReason).startsWith("KEEPALIVE_TIMEOUT");
        }
    }

    @Test
    void busyPeerWithoutPingAnswersStaysAlive() {
        TunnelOptions options = TunnelOptions.defaults().withKeepalive(100, 300);
        try (ScriptedPeer peer = new ScriptedPeer(options)) {
            peer.handshake();
            Future<Stream> open = peer.tunnel.open(APP);
            peer.send(new OpenResultFrame(1, OpenResult.CONNECTED, ""));
            RecordingStreamListener reader = new RecordingStreamListener(true);
            open.getNow().listen(reader);

            // Two seconds of data every 50 ms, and the peer sends no PING acknowledgement.
            for (int step = 0; step < 40; step++) {
                peer.advanceMillis(50);
                peer.send(data(1, 1024));
            }

            assertThat(peer.channel.isOpen()).isTrue();
            assertThat(reader.receivedLength()).isEqualTo(40 * 1024);
            assertThat(peer.received(PingFrame.class)).hasSizeGreaterThanOrEqualTo(19);

            peer.advanceMillis(300);
            assertThat(peer.received(GoAwayFrame.class)).extracting(GoAwayFrame::code)
                    .containsExactly(ErrorCode.KEEPALIVE_TIMEOUT);
        }
    }

    @Test
    void silentPeerOnSocketIsDeclaredDead() throws Exception {
        TunnelOptions options = TunnelOptions.defaults().withKeepalive(50, 200);
        EventLoopGroup group = Transports.newGroup(1);
        CompletableFuture<Tunnel> accepted = new CompletableFuture<>();
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(Transports.serverChannel())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.complete(new Tunnel(ch, false, options,
                                    new RecordingTunnelListener(), "silent").install());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .sync()
                    .channel();
            try (Socket peer = new Socket()) {
                peer.setSoTimeout(5_000);
                peer.connect(server.localAddress(), 5_000);
                peer.getOutputStream().write(encode(new HelloFrame(TunnelSettings.defaults())));
                Tunnel tunnel = accepted.get(5, TimeUnit.SECONDS);

                assertThat(tunnel.channel().closeFuture().await(5, TimeUnit.SECONDS)).isTrue();

                List<Frame> frames = decodeAll(peer.getInputStream().readAllBytes());
                assertThat(frames.get(0)).isEqualTo(new HelloFrame(TunnelSettings.defaults()));
                assertThat(frames.get(frames.size() - 1)).isInstanceOfSatisfying(GoAwayFrame.class,
                        goAway -> assertThat(goAway.code()).isEqualTo(ErrorCode.KEEPALIVE_TIMEOUT));
            } finally {
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void answeredPingsKeepIdleTunnelAndMeasureRtt() {
        TunnelOptions options = TunnelOptions.defaults().withKeepalive(100, 300);
        try (TunnelPair pair = new TunnelPair(options)) {
            pair.pump();

            for (int step = 0; step < 30; step++) {
                pair.advanceMillis(100);
            }

            assertThat(pair.client.isActive()).isTrue();
            assertThat(pair.server.isActive()).isTrue();
            assertThat(pair.client.rttNanos()).isZero();
        }
    }

    // GOAWAY.

    @Test
    void gracefulGoAwayDrainsThenCloses() {
        try (TunnelPair pair = new TunnelPair()) {
            StreamUnderTest flow = StreamUnderTest.open(pair, true);

            pair.server.shutdownGracefully("maintenance");
            Future<Stream> crossing = pair.client.open(APP);
            pair.pump();

            assertThat(pair.clientListener.goAwayCode).isEqualTo(ErrorCode.NO_ERROR);
            assertThat(pair.clientListener.goAwayReason).isEqualTo("maintenance");
            assertThat(((FlowOpenException) crossing.cause()).result())
                    .isEqualTo(OpenResult.GOING_AWAY);
            assertThat(pair.client.acceptsNewStreams()).isFalse();
            assertThat(pair.server.acceptsNewStreams()).isFalse();
            Future<Stream> clientOpen = pair.client.open(APP);
            Future<Stream> serverOpen = pair.server.open(APP);
            assertThat(((FlowOpenException) clientOpen.cause()).result())
                    .isEqualTo(OpenResult.GOING_AWAY);
            assertThat(((FlowOpenException) serverOpen.cause()).result())
                    .isEqualTo(OpenResult.GOING_AWAY);

            flow.clientStream.write(ascii("still here"));
            flow.serverStream().write(ascii("me too"));
            pair.pump();
            assertThat(flow.serverSide().received()).isEqualTo(bytes("still here"));
            assertThat(flow.clientSide.received()).isEqualTo(bytes("me too"));
            assertThat(pair.serverChannel.isOpen()).isTrue();

            flow.clientStream.fin();
            flow.serverStream().fin();
            pair.pump();

            assertThat(pair.serverChannel.isOpen()).isFalse();
            assertThat(pair.clientChannel.isOpen()).isFalse();
            assertThat(flow.clientSide.resetCount()).isZero();
            assertThat(pair.clientListener.closedReason).isNotNull();
        }
    }

    @Test
    void gracefulGoAwayClosesAfterDrainTimeout() {
        TunnelOptions defaults = TunnelOptions.defaults();
        TunnelOptions options = new TunnelOptions(defaults.settings(), 10_000, 30_000, 15_000,
                defaults.maxStreamWindow(), 2_000);
        try (TunnelPair pair = new TunnelPair(options)) {
            StreamUnderTest flow = StreamUnderTest.open(pair, true);

            pair.server.shutdownGracefully("maintenance");
            pair.pump();
            pair.advanceMillis(1_999);
            assertThat(pair.serverChannel.isOpen()).isTrue();
            pair.advanceMillis(1);

            assertThat(pair.serverChannel.isOpen()).isFalse();
            assertThat(flow.clientSide.resetCode()).isEqualTo(ErrorCode.PEER_GONE);
        }
    }

    @Test
    void goAwayWithErrorClosesReceiver() {
        try (TunnelPair pair = new TunnelPair()) {
            StreamUnderTest flow = StreamUnderTest.open(pair, true);

            pair.server.close(ErrorCode.POLICY_REVOKED, "user disabled");
            pair.pump();

            assertThat(pair.clientListener.goAwayCode).isEqualTo(ErrorCode.POLICY_REVOKED);
            assertThat(pair.clientChannel.isOpen()).isFalse();
            assertThat(flow.clientSide.resetCode()).isEqualTo(ErrorCode.PEER_GONE);
            assertThat(pair.clientListener.closedReason)
                    .isEqualTo("peer sent GOAWAY POLICY_REVOKED: user disabled");
        }
    }

    // Control messages.

    @Test
    void smallControlMessageArrives() {
        try (TunnelPair pair = new TunnelPair()) {
            pair.pump();

            pair.client.sendControl("{\"type\":\"posture\",\"ok\":true}");
            pair.pump();

            assertThat(pair.serverListener.controlMessages)
                    .containsExactly("{\"type\":\"posture\",\"ok\":true}");
        }
    }

    @Test
    void largeControlMessageArrivesJoined() {
        StringBuilder json = new StringBuilder("{\"type\":\"srp\",\"rules\":\"");
        // A two-byte UTF-8 character, a surrogate pair and ASCII, in turn.
        String[] pieces = {"é", "\uD83D\uDE00", "a"};
        for (int i = 0; json.length() < 100 * 1024; i++) {
            json.append(pieces[i % pieces.length]);
        }
        json.append("\"}");
        String message = json.toString();
        try (TunnelPair pair = new TunnelPair()) {
            pair.pump();

            pair.server.sendControl(message);
            pair.server.sendControl("{}");
            pair.pump();

            assertThat(pair.clientListener.controlMessages).hasSize(2);
            assertThat(pair.clientListener.controlMessages.get(0)).isEqualTo(message);
            assertThat(pair.clientListener.controlMessages.get(1)).isEqualTo("{}");
        }
    }

    @Test
    void controlPiecesSplitNoSurrogatePair() {
        // Only surrogate pairs, so every frame boundary falls next to one.
        String message = "\uD83D\uDE00".repeat(20_000);
        try (ScriptedPeer peer = new ScriptedPeer(TunnelOptions.defaults())) {
            peer.handshake();

            peer.tunnel.sendControl(message);

            List<ControlFrame> pieces = peer.received(ControlFrame.class);
            assertThat(pieces).hasSizeGreaterThan(1);
            StringBuilder joined = new StringBuilder();
            for (ControlFrame piece : pieces) {
                assertThat(Character.isHighSurrogate(piece.json().charAt(piece.json().length() - 1)))
                        .isFalse();
                joined.append(piece.json());
            }
            assertThat(joined.toString()).isEqualTo(message);
            assertThat(pieces.get(pieces.size() - 1).more()).isFalse();
        }
    }

    // Helpers.

    /** A stream the client opened and the server accepted, with a recording listener each side. */
    private record StreamUnderTest(TunnelPair pair, Stream clientStream,
            RecordingStreamListener clientSide) {

        static StreamUnderTest open(TunnelPair pair, boolean autoConsume) {
            pair.serverListener.onOpen = stream -> pair.serverListener.accept(stream, true);
            pair.pump();
            Future<Stream> open = pair.client.open(APP);
            pair.pump();
            Stream stream = open.getNow();
            assertThat(stream).as("opened stream").isNotNull();
            RecordingStreamListener listener = new RecordingStreamListener(autoConsume);
            stream.listen(listener);
            return new StreamUnderTest(pair, stream, listener);
        }

        Stream serverStream() {
            return pair.serverListener.lastOpened().id() == clientStream.id()
                    ? pair.serverListener.lastOpened()
                    : pair.serverListener.opened.stream()
                            .filter(s -> s.id() == clientStream.id()).findFirst().orElseThrow();
        }

        RecordingStreamListener serverSide() {
            return pair.serverListener.listenerOf(serverStream());
        }
    }

    private static byte[] encode(Frame frame) {
        EmbeddedChannel encoder = new EmbeddedChannel(FrameEncoder.INSTANCE);
        encoder.writeOutbound(frame);
        ByteBuf buf = encoder.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(buf);
        buf.release();
        encoder.finishAndReleaseAll();
        return bytes;
    }

    private static List<Frame> decodeAll(byte[] bytes) {
        EmbeddedChannel decoder =
                new EmbeddedChannel(new FrameDecoder(TunnelSettings.MAX_FRAME_LENGTH_LIMIT));
        decoder.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<Frame> frames = new ArrayList<>();
        for (Frame frame; (frame = decoder.readInbound()) != null; ) {
            frames.add(frame);
        }
        decoder.finishAndReleaseAll();
        return frames;
    }

    private static DataFrame data(int streamId, int length) {
        return new DataFrame(streamId, Unpooled.wrappedBuffer(new byte[length]));
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
