package io.ztna.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Promise;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP CONNECT proxy against a plain-socket client that writes raw requests, with flows
 * opened on a real tunnel pair on loopback whose far end connects to loopback apps.
 */
class HttpConnectServerTest {

    private static final String ESTABLISHED = "HTTP/1.1 200 Connection established";
    /** Status expected for each failed open. */
    private static final Map<OpenResult, Integer> EXPECTED_STATUS = Map.of(
            OpenResult.DENIED_BY_POLICY, 403,
            OpenResult.NO_PUBLISHER, 502,
            OpenResult.APP_REFUSED, 502,
            OpenResult.APP_UNREACHABLE, 502,
            OpenResult.INTERNAL_ERROR, 502,
            OpenResult.GOING_AWAY, 503,
            OpenResult.DNS_FAILURE, 504,
            OpenResult.TIMED_OUT, 504);

    private EventLoopGroup group;
    private AppConnector farEnd;
    private TunnelPair tunnel;
    private LoopbackServer echo;
    private volatile Steering.Decision decision = Steering.Decision.TUNNEL;
    private HttpConnectServer proxy;

    @BeforeEach
    void start() throws Exception {
        group = Transports.newGroup(2);
        farEnd = new AppConnector();
        tunnel = TunnelPair.start(group, farEnd);
        echo = LoopbackServer.start(LoopbackServer.ECHO);
        proxy = new HttpConnectServer(group, new InetSocketAddress("127.0.0.1", 0),
                tunnel.opener(), (host, port) -> decision).start();
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
        tunnel.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HttpProxyClient client() throws IOException {
        return new HttpProxyClient(proxy.localAddress());
    }

    // Flows through the tunnel.

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"echo.corp.test", "127.0.0.1", "::1"})
    void connectReachesEchoThroughTunnel(String host) throws Exception {
        try (LoopbackServer echo6 = LoopbackServer.start("::1", LoopbackServer.ECHO);
                HttpProxyClient client = client()) {
            int port = host.equals("::1") ? echo6.port() : echo.port();
            String target = (host.equals("::1") ? "[::1]" : host) + ":" + port;

            HttpProxyClient.Response response = client.connect(target);

            assertThat(response.statusLine()).isEqualTo(ESTABLISHED);
            assertThat(response.headers()).isEmpty();
            byte[] payload = "hello through the tunnel".getBytes(StandardCharsets.US_ASCII);
            assertThat(Payloads.exchange(client.socket(), payload, 10)).isEqualTo(payload);
        }
        FlowMetadata flow = farEnd.opens().poll(5, TimeUnit.SECONDS);
        assertThat(flow).isNotNull();
        assertThat(flow.host()).isEqualTo(host);
    }

    @Test
    void absoluteFormTargetReachesEcho() throws Exception {
        try (HttpProxyClient client = client()) {
            client.send("CONNECT http://echo.corp.test:" + echo.port() + "/ HTTP/1.1\r\n\r\n");

            assertThat(client.readResponse().statusLine()).isEqualTo(ESTABLISHED);
        }
        FlowMetadata flow = farEnd.opens().poll(5, TimeUnit.SECONDS);
        assertThat(flow).isNotNull();
        assertThat(flow.destination()).isEqualTo("echo.corp.test:" + echo.port());
    }

    @Test
    void responseWaitsForFarEnd() throws Exception {
        Promise<Void> release = group.next().newPromise();
        farEnd.holdUntil(release);
        try (HttpProxyClient client = client()) {
            client.send(HttpProxyClient.connectRequest("echo.corp.test:" + echo.port()));
            assertThat(farEnd.opens().poll(5, TimeUnit.SECONDS)).isNotNull();

            client.socket().setSoTimeout(300);
            assertThatThrownBy(() -> client.in().read())
                    .as("no response while the far end has not connected")
                    .isInstanceOf(SocketTimeoutException.class);

            release.setSuccess(null);
            client.socket().setSoTimeout(10_000);
            HttpProxyClient.Response response = client.readResponse();
            long responseNanos = System.nanoTime();
            assertThat(response.statusLine()).isEqualTo(ESTABLISHED);
            Long appConnectNanos = farEnd.appConnectNanos().poll(5, TimeUnit.SECONDS);
            assertThat(appConnectNanos).isNotNull();
            assertThat(appConnectNanos).isLessThan(responseNanos);
        }
    }

    @ParameterizedTest
    @EnumSource(value = OpenResult.class, names = "CONNECTED", mode = EnumSource.Mode.EXCLUDE)
    void failedOpenGetsMatchingStatus(OpenResult result) throws IOException {
        farEnd.reject("app.corp.test", result);
        try (HttpProxyClient client = client()) {
            HttpProxyClient.Response response = client.connect("app.corp.test:443");

            assertThat(response.status()).isEqualTo(EXPECTED_STATUS.get(result));
            assertThat(response.headers()).containsEntry("connection", "close");
            assertThat(response.body()).isEqualTo(response.statusLine().substring(9) + ": "
                    + HttpConnectStatus.reason(result) + "\n");
            assertThat(client.in().read()).isEqualTo(-1);
        }
    }

    @Test
    void openWithoutAnswerGetsGatewayTimeout() throws Exception {
        proxy.close();
        Promise<Stream> never = group.next().newPromise();
        proxy = new HttpConnectServer(group, new InetSocketAddress("127.0.0.1", 0),
                flow -> never, (host, port) -> Steering.Decision.TUNNEL, new CaptureTimeouts(
                        Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300)))
                .start();
        try (HttpProxyClient client = client()) {
            assertThat(client.connect("echo.corp.test:443").status()).isEqualTo(504);
        }
        assertThat(never.isCancelled()).isTrue();
    }

    @Test
    void pipelinedBytesArriveInOrder() throws Exception {
        Promise<Void> release = group.next().newPromise();
        farEnd.holdUntil(release);
        String data = "GET / HTTP/1.1\r\nHost: echo\r\n\r\nsent before the response";
        try (HttpProxyClient client = client()) {
            client.send(HttpProxyClient.connectRequest("echo.corp.test:" + echo.port()) + data);
            client.socket().shutdownOutput();
            assertThat(farEnd.opens().poll(5, TimeUnit.SECONDS)).isNotNull();
            release.setSuccess(null);

            assertThat(client.readResponse().statusLine()).isEqualTo(ESTABLISHED);
            assertThat(new String(client.readToEnd(), StandardCharsets.ISO_8859_1))
                    .isEqualTo(data);
        }
    }

    @Test
    void halfCloseThroughTunnelKeepsAnswer() throws Exception {
        try (LoopbackServer app = LoopbackServer.start(LoopbackServer.ANSWER_AFTER_EOF);
                HttpProxyClient client = client()) {
            assertThat(client.connect("echo.corp.test:" + app.port()).statusLine())
                    .isEqualTo(ESTABLISHED);
            byte[] request = Payloads.random(10_000, 1);

            byte[] answer = Payloads.exchange(client.socket(), request, 10);

            assertThat(answer).isEqualTo(LoopbackServer.answerFor(request));
            LoopbackServer.Outcome outcome = app.outcomes().poll(5, TimeUnit.SECONDS);
            assertThat(outcome).isNotNull();
            assertThat(outcome.error()).isNull();
            assertThat(outcome.received()).isEqualTo(request);
        }
    }

    // Requests the proxy does not serve.

    @Test
    void otherMethodGetsMethodNotAllowed() throws IOException {
        try (HttpProxyClient client = client()) {
            client.send("GET http://echo.corp.test/ HTTP/1.1\r\nHost: echo.corp.test\r\n\r\n");

            HttpProxyClient.Response response = client.readResponse();
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 405 Method Not Allowed");
            assertThat(response.headers()).containsEntry("allow", "CONNECT");
            assertThat(response.body())
                    .isEqualTo("405 Method Not Allowed: this proxy supports only CONNECT\n");
            assertThat(client.in().read()).isEqualTo(-1);
        }
        assertThat(farEnd.opens()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo.corp.test", "echo.corp.test:0", "echo.corp.test:70000",
        "[::1:443", "user@echo.corp.test:443", "::1:443", "ftp://echo.corp.test/"})
    void badTargetGetsBadRequest(String target) throws IOException {
        try (HttpProxyClient client = client()) {
            client.send("CONNECT " + target + " HTTP/1.1\r\n\r\n");

            HttpProxyClient.Response response = client.readResponse();
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(response.body()).startsWith("400 Bad Request: invalid CONNECT target '"
                    + target + "'");
            assertThat(client.in().read()).isEqualTo(-1);
        }
        assertThat(farEnd.opens()).isEmpty();
    }

    @Test
    void malformedRequestLineGetsBadRequest() throws IOException {
        try (HttpProxyClient client = client()) {
            client.send("CONNECT\r\n\r\n");

            assertThat(client.readResponse().statusLine()).isEqualTo("HTTP/1.1 400 Bad Request");
        }
    }

    @Test
    void connectWithContentGetsBadRequest() throws IOException {
        try (HttpProxyClient client = client()) {
            client.send("CONNECT echo.corp.test:443 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");

            HttpProxyClient.Response response = client.readResponse();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body())
                    .isEqualTo("400 Bad Request: a CONNECT request has no content\n");
        }
    }

    @Test
    void silentClientGetsRequestTimeout() throws Exception {
        proxy.close();
        proxy = new HttpConnectServer(group, new InetSocketAddress("127.0.0.1", 0),
                tunnel.opener(), (host, port) -> decision, new CaptureTimeouts(
                        Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5)))
                .start();
        try (HttpProxyClient client = client()) {
            client.send("CONNECT echo.corp.test:443 HTTP/1.1\r\n");

            HttpProxyClient.Response response = client.readResponse();
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 408 Request Timeout");
            assertThat(client.in().read()).isEqualTo(-1);
        }
    }

    // Steering.

    @ParameterizedTest
    @EnumSource(value = Steering.Decision.class, names = {"BLOCKED", "REJECT"})
    void blockedDestinationGetsForbidden(Steering.Decision steered) throws IOException {
        decision = steered;
        try (HttpProxyClient client = client()) {
            long start = System.nanoTime();
            HttpProxyClient.Response response = client.connect("echo.corp.test:22");

            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 403 Forbidden");
            assertThat(response.body()).isEqualTo(steered == Steering.Decision.BLOCKED
                    ? "403 Forbidden: a steering block rule covers echo.corp.test:22\n"
                    : "403 Forbidden: no app covers echo.corp.test:22\n");
            assertThat(client.in().read()).isEqualTo(-1);
        }
        assertThat(farEnd.opens()).isEmpty();
    }

    @Test
    void directReachesServerWithoutTunnel() throws Exception {
        decision = Steering.Decision.DIRECT;
        try (HttpProxyClient client = client()) {
            assertThat(client.connect("127.0.0.1:" + echo.port()).statusLine())
                    .isEqualTo(ESTABLISHED);
            byte[] payload = "direct".getBytes(StandardCharsets.US_ASCII);

            assertThat(Payloads.exchange(client.socket(), payload, 10)).isEqualTo(payload);
        }
        assertThat(farEnd.opens()).isEmpty();
    }

    @Test
    void directClosedPortGetsBadGateway() throws Exception {
        decision = Steering.Decision.DIRECT;
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = probe.getLocalPort();
        }
        try (HttpProxyClient client = client()) {
            HttpProxyClient.Response response = client.connect("127.0.0.1:" + closedPort);

            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 502 Bad Gateway");
            assertThat(response.body())
                    .isEqualTo("502 Bad Gateway: the app refused the connection\n");
        }
    }
}
