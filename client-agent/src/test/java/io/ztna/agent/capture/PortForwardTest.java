package io.ztna.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.relay.RelaySummary;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Port forwards over a real tunnel pair on loopback, with plain sockets as clients. */
class PortForwardTest {

    private EventLoopGroup group;
    private AppConnector farEnd;
    private TunnelPair tunnel;
    private LoopbackServer app;
    private PortForward forward;

    @BeforeEach
    void start() throws Exception {
        group = Transports.newGroup(2);
        farEnd = new AppConnector();
        tunnel = TunnelPair.start(group, farEnd);
    }

    @AfterEach
    void stop() throws IOException {
        if (forward != null) {
            forward.close();
        }
        if (app != null) {
            app.close();
        }
        tunnel.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Socket startAndConnect(LoopbackServer.Handler handler, String host, FlowOpener opener)
            throws Exception {
        app = LoopbackServer.start(handler);
        forward = new PortForward(group, new InetSocketAddress("127.0.0.1", 0), host, app.port(),
                opener).start();
        Socket socket = new Socket();
        socket.connect(forward.localAddress(), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    @Test
    void earlyBytesSurviveSlowOpen() throws Exception {
        Promise<Void> release = group.next().newPromise();
        farEnd.holdUntil(release);
        byte[] early = "written before the flow opened".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = startAndConnect(LoopbackServer.ECHO, "echo.corp.test",
                tunnel.opener())) {
            socket.getOutputStream().write(early);
            socket.shutdownOutput();
            assertThat(farEnd.opens().poll(5, TimeUnit.SECONDS)).isNotNull();
            release.setSuccess(null);

            assertThat(socket.getInputStream().readAllBytes()).isEqualTo(early);
        }
    }

    /**
     * The client's bytes and EOF reach the far end while it has not replied to the OPEN, so a
     * client that speaks first waits no round trip for the open result. The early bytes count
     * in the flow's summary like any other.
     */
    @Test
    void clientBytesCrossBeforeOpenResult() throws Exception {
        String request = "GET / HTTP/1.0\r\n\r\n";
        String response = "HTTP/1.0 204 No Content\r\n\r\n";
        RecordingFarEnd holding = new RecordingFarEnd();
        BlockingQueue<RelaySummary> finished = new LinkedBlockingQueue<>();
        try (TunnelPair pair = TunnelPair.start(group, holding);
                Socket socket = startAndConnect(LoopbackServer.ECHO, "echo.corp.test",
                        recordingFinished(pair.opener(), finished))) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();

            RecordingFarEnd.Flow flow = holding.flows().poll(5, TimeUnit.SECONDS);
            assertThat(flow).isNotNull();
            assertThat(flow.fin().get(5, TimeUnit.SECONDS)).isEqualTo(request);

            flow.accept();
            flow.reply(response);
            assertThat(new String(socket.getInputStream().readAllBytes(),
                    StandardCharsets.US_ASCII)).isEqualTo(response);
            RelaySummary summary = finished.poll(5, TimeUnit.SECONDS);
            assertThat(summary).isNotNull();
            assertThat(summary.bytesUp()).isEqualTo(request.length());
            assertThat(summary.bytesDown()).isEqualTo(response.length());
        }
    }

    /** Wraps {@code opener} to put the summary of each finished flow into {@code finished}. */
    private static FlowOpener recordingFinished(FlowOpener opener,
            BlockingQueue<RelaySummary> finished) {
        return new FlowOpener() {
            @Override
            public Future<Stream> open(FlowMetadata flow) {
                return opener.open(flow);
            }

            @Override
            public Future<Stream> open(FlowMetadata flow, Consumer<Stream> openSent) {
                return opener.open(flow, openSent);
            }

            @Override
            public void finished(RelaySummary summary) {
                finished.add(summary);
            }
        };
    }

    @Test
    void halfCloseThroughForwardKeepsAnswer() throws Exception {
        try (Socket socket = startAndConnect(LoopbackServer.ANSWER_AFTER_EOF, "echo.corp.test",
                tunnel.opener())) {
            byte[] request = Payloads.random(10_000, 5);

            byte[] answer = Payloads.exchange(socket, request, 10);

            assertThat(answer).isEqualTo(LoopbackServer.answerFor(request));
            LoopbackServer.Outcome outcome = app.outcomes().poll(5, TimeUnit.SECONDS);
            assertThat(outcome).isNotNull();
            assertThat(outcome.error()).isNull();
            assertThat(outcome.received()).isEqualTo(request);
        }
    }

    @Test
    void megabyteEachWayThroughForward() throws Exception {
        byte[] payload = Payloads.random(1024 * 1024, 6);
        try (Socket socket = startAndConnect(LoopbackServer.ECHO, "echo.corp.test",
                tunnel.opener())) {
            byte[] received = Payloads.exchange(socket, payload, 30);

            assertThat(received.length).isEqualTo(payload.length);
            assertThat(Payloads.sha256(received)).isEqualTo(Payloads.sha256(payload));
        }
    }

    @Test
    void rejectedOpenResetsClient() throws Exception {
        farEnd.reject("app.corp.test", OpenResult.APP_REFUSED);
        assertThatThrownBy(() -> {
            try (Socket socket = startAndConnect(LoopbackServer.ECHO, "app.corp.test",
                    tunnel.opener())) {
                socket.getInputStream().read();
            }
        }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        assertThat(app.connections()).isEmpty();
    }

    @Test
    void missingTunnelResetsClient() throws Exception {
        FlowOpener noTunnel = flow -> group.next().newFailedFuture(
                new FlowOpenException(OpenResult.NO_PUBLISHER, "no publisher in this test"));
        // The reset can arrive before connect() returns and is then raised by connect(), so
        // connecting and reading are one step here and in rejectedOpenResetsClient.
        assertThatThrownBy(() -> {
            try (Socket socket = startAndConnect(LoopbackServer.ECHO, "echo.corp.test",
                    noTunnel)) {
                socket.getInputStream().read();
            }
        }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }

    @Test
    void invalidPortRejectedAtConstruction() {
        assertThatThrownBy(() -> new PortForward(group, new InetSocketAddress("127.0.0.1", 0),
                "echo.corp.test", 0, tunnel.opener()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port: 0");
    }
}
