package io.ztna.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SOCKS5 server against a plain-socket client that writes raw bytes, with flows opened on a
 * real tunnel pair on loopback whose far end connects to loopback apps.
 */
class SocksServerTest {

    private static final byte[] REPLY_SUCCESS = {5, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    /** Reply codes of RFC 1928 section 6 expected for each failed open. */
    private static final Map<OpenResult, Integer> EXPECTED_REPLY = Map.of(
            OpenResult.DENIED_BY_POLICY, 0x02,
            OpenResult.NO_PUBLISHER, 0x03,
            OpenResult.APP_UNREACHABLE, 0x04,
            OpenResult.DNS_FAILURE, 0x04,
            OpenResult.APP_REFUSED, 0x05,
            OpenResult.TIMED_OUT, 0x06,
            OpenResult.GOING_AWAY, 0x01,
            OpenResult.INTERNAL_ERROR, 0x01);

    private EventLoopGroup group;
    private AppConnector farEnd;
    private TunnelPair tunnel;
    private LoopbackServer echo;
    private volatile Steering.Decision decision = Steering.Decision.TUNNEL;
    private final BlockingQueue<Future<Stream>> opened = new LinkedBlockingQueue<>();
    private SocksServer socks;

    @BeforeEach
    void start() throws Exception {
        group = Transports.newGroup(2);
        farEnd = new AppConnector();
        tunnel = TunnelPair.start(group, farEnd);
        echo = LoopbackServer.start(LoopbackServer.ECHO);
        socks = startSocks(CaptureTimeouts.defaults());
    }

    private SocksServer startSocks(CaptureTimeouts timeouts) throws Exception {
        FlowOpener recording = flow -> {
            Future<Stream> future = tunnel.opener().open(flow);
            opened.add(future);
            return future;
        };
        return new SocksServer(group, new InetSocketAddress("127.0.0.1", 0), recording,
                (host, port) -> decision, timeouts).start();
    }

    @AfterEach
    void stop() throws IOException {
        socks.close();
        echo.close();
        tunnel.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private SocksClient client() throws IOException {
        return new SocksClient(socks.localAddress());
    }

    // Greeting.

    @Test
    void greetingWithoutNoAuthRejected() throws IOException {
        try (SocksClient client = client()) {
            client.send((byte) 5, (byte) 2, (byte) 1, (byte) 2);

            assertThat(client.read(2)).containsExactly(5, 0xff);
            assertThat(client.in().read()).isEqualTo(-1);
        }
    }

    @Test
    void badGreetingVersionRejected() throws IOException {
        try (SocksClient client = client()) {
            client.send((byte) 4, (byte) 1, (byte) 0);

            assertThat(client.read(2)).containsExactly(5, 0xff);
            assertThat(client.in().read()).isEqualTo(-1);
        }
    }

    @Test
    void noAuthAmongMethodsAccepted() throws IOException {
        try (SocksClient client = client()) {
            client.send((byte) 5, (byte) 3, (byte) 2, (byte) 1, (byte) 0);

            assertThat(client.read(2)).containsExactly(5, 0);
        }
    }

    // Request.

    @Test
    void badRequestVersionGetsFailure() throws IOException {
        try (SocksClient client = client()) {
            assertThat(client.greet()).containsExactly(5, 0);
            byte[] request = SocksClient.connectAddress("127.0.0.1", echo.port());
            request[0] = 4;
            client.send(request);

            assertThat(client.readReply()).containsExactly(5, 1, 0, 1, 0, 0, 0, 0, 0, 0);
            assertThat(client.in().read()).isEqualTo(-1);
        }
        assertThat(farEnd.opens()).isEmpty();
    }

    @ParameterizedTest(name = "command {0}")
    @ValueSource(bytes = {2, 3})
    void otherCommandsGetNotSupported(byte command) throws IOException {
        try (SocksClient client = client()) {
            client.greet();
            client.send(SocksClient.request(command, SocksClient.ATYP_IPV4,
                    new byte[] {127, 0, 0, 1}, echo.port()));

            assertThat(client.readReply()).containsExactly(5, 7, 0, 1, 0, 0, 0, 0, 0, 0);
            assertThat(client.in().read()).isEqualTo(-1);
        }
        assertThat(farEnd.opens()).isEmpty();
    }

    @Test
    void unknownAddressTypeNotSupported() throws IOException {
        try (SocksClient client = client()) {
            client.greet();
            client.send(SocksClient.request(SocksClient.CONNECT, (byte) 5,
                    new byte[] {127, 0, 0, 1}, echo.port()));

            assertThat(client.readReply()).containsExactly(5, 8, 0, 1, 0, 0, 0, 0, 0, 0);
            assertThat(client.in().read()).isEqualTo(-1);
        }
    }

    @Test
    void portZeroGetsGeneralFailure() throws IOException {
        try (SocksClient client = client()) {
            client.greet();
            client.send(SocksClient.connectDomain("echo.corp.test", 0));

            assertThat(client.readReply()[1]).isEqualTo((byte) 1);
        }
        assertThat(farEnd.opens()).isEmpty();
    }

    @Test
    void incompleteGreetingClosesAfterTimeout() throws Exception {
        socks.close();
        socks = startSocks(new CaptureTimeouts(Duration.ofMillis(300), Duration.ofSeconds(5),
                Duration.ofSeconds(5)));
        try (SocksClient client = client()) {
            client.send((byte) 5, (byte) 2);
            long start = System.nanoTime();

            assertThat(client.in().read()).isEqualTo(-1);
            assertThat(System.nanoTime() - start).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    // Flows through the tunnel.

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"echo.corp.test", "127.0.0.1", "::1"})
    void connectReachesEchoThroughTunnel(String host) throws Exception {
        try (LoopbackServer echo6 = LoopbackServer.start("::1", LoopbackServer.ECHO);
                SocksClient client = client()) {
            int port = host.equals("::1") ? echo6.port() : echo.port();
            client.greet();
            client.send(host.equals("echo.corp.test") ? SocksClient.connectDomain(host, port)
                    : SocksClient.connectAddress(host, port));

            assertThat(client.readReply()).containsExactly(REPLY_SUCCESS);
            byte[] payload = "hello through the tunnel".getBytes(StandardCharsets.US_ASCII);
            assertThat(Payloads.exchange(client.socket(), payload, 10)).isEqualTo(payload);
        }
        FlowMetadata flow = farEnd.opens().poll(5, TimeUnit.SECONDS);
        assertThat(flow).isNotNull();
        assertThat(flow.host()).isEqualTo(host);
    }

    @Test
    void successReplyWaitsForFarEnd() throws Exception {
        Promise<Void> release = group.next().newPromise();
        farEnd.holdUntil(release);
        try (SocksClient client = client()) {
            client.greet();
            client.send(SocksClient.connectDomain("echo.corp.test", echo.port()));
            assertThat(farEnd.opens().poll(5, TimeUnit.SECONDS)).isNotNull();

            client.socket().setSoTimeout(300);
            assertThatThrownBy(() -> client.in().read())
                    .as("no reply while the far end has not connected")
                    .isInstanceOf(SocketTimeoutException.class);

            release.setSuccess(null);
            client.socket().setSoTimeout(10_000);
            byte[] reply = client.readReply();
            long replyNanos = System.nanoTime();
            assertThat(reply).containsExactly(REPLY_SUCCESS);
            Long appConnectNanos = farEnd.appConnectNanos().poll(5, TimeUnit.SECONDS);
            assertThat(appConnectNanos).isNotNull();
            assertThat(appConnectNanos).isLessThan(replyNanos);
            byte[] payload = {1, 2, 3};
            assertThat(Payloads.exchange(client.socket(), payload, 10)).isEqualTo(payload);
        }
    }

    @ParameterizedTest
    @EnumSource(value = OpenResult.class, names = "CONNECTED", mode = EnumSource.Mode.EXCLUDE)
    void failedOpenRepliesWithMatchingCode(OpenResult result) throws IOException {
        farEnd.reject("app.corp.test", result);
        try (SocksClient client = client()) {
            client.greet();
            client.send(SocksClient.connectDomain("app.corp.test", 443));

            byte[] reply = client.readReply();
            assertThat(reply[0]).isEqualTo((byte) 5);
            assertThat(reply[1]).isEqualTo(EXPECTED_REPLY.get(result).byteValue());
            assertThat(reply[1]).isEqualTo((byte) result.socksReply());
            assertThat(client.in().read()).isEqualTo(-1);
        }
    }

    @Test
    void openerErrorGetsGeneralFailure() throws Exception {
        socks.close();
        FlowOpener broken = flow -> group.next().newFailedFuture(
                new IllegalStateException("no tunnel in this test"));
        socks = new SocksServer(group, new InetSocketAddress("127.0.0.1", 0), broken,
                (host, port) -> Steering.Decision.TUNNEL).start();
        try (SocksClient client = client()) {
            assertThat(client.connect("echo.corp.test", echo.port())).isEqualTo(1);
        }
    }

    @Test
    void openWithoutAnswerTimesOut() throws Exception {
        socks.close();
        Promise<Stream> never = group.next().newPromise();
        socks = new SocksServer(group, new InetSocketAddress("127.0.0.1", 0), flow -> never,
                (host, port) -> Steering.Decision.TUNNEL, new CaptureTimeouts(
                        Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300)))
                .start();
        try (SocksClient client = client()) {
            assertThat(client.connect("echo.corp.test", echo.port())).isEqualTo(6);
        }
        assertThat(never.isCancelled()).isTrue();
    }

    @Test
    void clientResetCancelsPendingOpen() throws Exception {
        Promise<Void> release = group.next().newPromise();
        farEnd.holdUntil(release);
        try (SocksClient client = client()) {
            client.greet();
            client.send(SocksClient.connectDomain("echo.corp.test", echo.port()));
            assertThat(farEnd.opens().poll(5, TimeUnit.SECONDS)).isNotNull();
            client.socket().setSoLinger(true, 0);
        }
        Future<Stream> open = opened.poll(5, TimeUnit.SECONDS);
        assertThat(open).isNotNull();
        assertThat(open.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(open.isCancelled()).isTrue();

        release.setSuccess(null);
        LoopbackServer.Outcome app = echo.outcomes().poll(5, TimeUnit.SECONDS);
        assertThat(app).as("the app connection ends once the late stream is reset").isNotNull();
        assertThat(tunnel.nearStreamCount()).isZero();
    }

    @Test
    void pipelinedBytesArriveInOrder() throws Exception {
        Promise<Void> release = group.next().newPromise();
        farEnd.holdUntil(release);
        byte[] request = SocksClient.connectDomain("echo.corp.test", echo.port());
        byte[] data = "sent before the reply".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[3 + request.length + data.length];
        all[0] = 5;
        all[1] = 1;
        System.arraycopy(request, 0, all, 3, request.length);
        System.arraycopy(data, 0, all, 3 + request.length, data.length);
        try (SocksClient client = client()) {
            client.send(all);
            client.socket().shutdownOutput();
            assertThat(farEnd.opens().poll(5, TimeUnit.SECONDS)).isNotNull();
            release.setSuccess(null);

            assertThat(client.read(2)).containsExactly(5, 0);
            assertThat(client.readReply()).containsExactly(REPLY_SUCCESS);
            assertThat(client.readToEnd()).isEqualTo(data);
        }
    }

    @Test
    void requestInSingleBytesDecoded() throws Exception {
        byte[] request = SocksClient.connectAddress("127.0.0.1", echo.port());
        try (SocksClient client = client()) {
            for (byte b : new byte[] {5, 1, 0}) {
                client.send(b);
            }
            assertThat(client.read(2)).containsExactly(5, 0);
            for (byte b : request) {
                client.send(b);
            }

            assertThat(client.readReply()).containsExactly(REPLY_SUCCESS);
        }
    }

    @Test
    void halfCloseThroughTunnelKeepsAnswer() throws Exception {
        try (LoopbackServer app = LoopbackServer.start(LoopbackServer.ANSWER_AFTER_EOF);
                SocksClient client = client()) {
            assertThat(client.connect("echo.corp.test", app.port())).isZero();
            byte[] request = Payloads.random(10_000, 1);

            byte[] answer = Payloads.exchange(client.socket(), request, 10);

            assertThat(answer).isEqualTo(LoopbackServer.answerFor(request));
            LoopbackServer.Outcome outcome = app.outcomes().poll(5, TimeUnit.SECONDS);
            assertThat(outcome).isNotNull();
            assertThat(outcome.error()).isNull();
            assertThat(outcome.received()).isEqualTo(request);
        }
    }

    @Test
    void megabyteEachWayThroughTunnel() throws Exception {
        byte[] payload = Payloads.random(1024 * 1024, 2);
        try (SocksClient client = client()) {
            assertThat(client.connect("echo.corp.test", echo.port())).isZero();

            byte[] received = Payloads.exchange(client.socket(), payload, 30);

            assertThat(received.length).isEqualTo(payload.length);
            assertThat(Payloads.sha256(received)).isEqualTo(Payloads.sha256(payload));
        }
    }

    // Steering.

    @ParameterizedTest
    @EnumSource(value = Steering.Decision.class, names = {"BLOCKED", "REJECT"})
    void blockedDestinationGetsNotAllowed(Steering.Decision steered) throws IOException {
        decision = steered;
        try (SocksClient client = client()) {
            client.greet();
            long start = System.nanoTime();
            client.send(SocksClient.connectDomain("echo.corp.test", echo.port()));

            byte[] reply = client.readReply();
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(reply).containsExactly(5, 2, 0, 1, 0, 0, 0, 0, 0, 0);
            assertThat(client.in().read()).isEqualTo(-1);
        }
        assertThat(opened).isEmpty();
    }

    @Test
    void directReachesServerWithoutTunnel() throws Exception {
        decision = Steering.Decision.DIRECT;
        try (SocksClient client = client()) {
            assertThat(client.connect("127.0.0.1", echo.port())).isZero();
            byte[] payload = "direct".getBytes(StandardCharsets.US_ASCII);

            assertThat(Payloads.exchange(client.socket(), payload, 10)).isEqualTo(payload);
        }
        assertThat(opened).isEmpty();
        assertThat(farEnd.opens()).isEmpty();
    }

    @Test
    void directClosedPortGetsRefused() throws Exception {
        decision = Steering.Decision.DIRECT;
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = probe.getLocalPort();
        }
        try (SocksClient client = client()) {
            assertThat(client.connect("127.0.0.1", closedPort)).isEqualTo(5);
            assertThat(client.in().read()).isEqualTo(-1);
        }
    }

    @Test
    void halfCloseThroughDirectKeepsAnswer() throws Exception {
        decision = Steering.Decision.DIRECT;
        try (LoopbackServer app = LoopbackServer.start(LoopbackServer.ANSWER_AFTER_EOF);
                SocksClient client = client()) {
            assertThat(client.connect("127.0.0.1", app.port())).isZero();
            byte[] request = Payloads.random(10_000, 3);

            byte[] answer = Payloads.exchange(client.socket(), request, 10);

            assertThat(answer).isEqualTo(LoopbackServer.answerFor(request));
            LoopbackServer.Outcome outcome = app.outcomes().poll(5, TimeUnit.SECONDS);
            assertThat(outcome).isNotNull();
            assertThat(outcome.received()).isEqualTo(request);
        }
    }

    @Test
    void megabyteEachWayDirect() throws Exception {
        decision = Steering.Decision.DIRECT;
        byte[] payload = Payloads.random(1024 * 1024, 4);
        try (SocksClient client = client()) {
            assertThat(client.connect("127.0.0.1", echo.port())).isZero();

            byte[] received = Payloads.exchange(client.socket(), payload, 30);

            assertThat(received.length).isEqualTo(payload.length);
            assertThat(Payloads.sha256(received)).isEqualTo(Payloads.sha256(payload));
        }
    }

    @Test
    void directBannerAndEofReachClient() throws Exception {
        decision = Steering.Decision.DIRECT;
        byte[] banner = "220 ready".getBytes(StandardCharsets.US_ASCII);
        try (LoopbackServer app = LoopbackServer.start(socket -> {
            socket.getOutputStream().write(banner);
            socket.shutdownOutput();
            return socket.getInputStream().readAllBytes();
        }); SocksClient client = client()) {
            assertThat(client.connect("127.0.0.1", app.port())).isZero();

            assertThat(client.readToEnd()).isEqualTo(banner);
            client.send((byte) 42);
            client.socket().shutdownOutput();
            LoopbackServer.Outcome outcome = app.outcomes().poll(5, TimeUnit.SECONDS);
            assertThat(outcome).isNotNull();
            assertThat(outcome.received()).containsExactly(42);
        }
    }

    @Test
    void directServerResetReachesClient() throws Exception {
        decision = Steering.Decision.DIRECT;
        try (LoopbackServer app = LoopbackServer.start(socket -> {
            socket.setSoLinger(true, 0);
            socket.getInputStream().read();
            return new byte[0];
        }); SocksClient client = client()) {
            assertThat(client.connect("127.0.0.1", app.port())).isZero();
            client.send((byte) 1);

            assertThatThrownBy(() -> client.readToEnd())
                    .isInstanceOf(java.net.SocketException.class)
                    .hasMessageContaining("reset");
        }
    }
}
