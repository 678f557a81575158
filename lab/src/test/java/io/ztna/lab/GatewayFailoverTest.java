package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ztna.clientgateway.ClientGateway;
import io.ztna.proto.testing.LeakCheck;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent lists two client gateways. When the one it is connected to shuts down, the agent
 * connects to the other, which sends the steering policy again, and SOCKS flows work again.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayFailoverTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    MultiGatewayLab lab;

    @BeforeEach
    void startLab() throws Exception {
        lab = new MultiGatewayLab(dir, 0).start();
    }

    @AfterEach
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private JsonNode agentStatus() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + lab.agent.adminAddress().getPort() + "/status"))
                .timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String address(ClientGateway gateway) {
        return gateway.localAddress().toString();
    }

    @Test
    void agentMovesToOtherGatewayWhenFirstCloses() throws Exception {
        JsonNode before = agentStatus();
        String first = before.path("gateway").asText();
        ClientGateway closing = address(lab.clientGateways.get(0)).equals(first)
                ? lab.clientGateways.get(0) : lab.clientGateways.get(1);
        ClientGateway remaining = closing == lab.clientGateways.get(0)
                ? lab.clientGateways.get(1) : lab.clientGateways.get(0);
        assertThat(address(closing)).isEqualTo(first);
        assertThat(before.path("gateways")).hasSize(2);
        for (JsonNode gateway : before.path("gateways")) {
            assertThat(gateway.path("reachable").asBoolean()).isTrue();
            assertThat(gateway.path("rttMicros").isIntegralNumber()).isTrue();
            assertThat(gateway.path("current").asBoolean())
                    .isEqualTo(gateway.path("address").asText().equals(first));
        }

        long start = System.nanoTime();
        lab.clientGateways.remove(closing);
        closing.close();
        InProcessLab.await(() -> lab.agent.isReady() && remaining.agentSessions().size() == 1,
                "agent tunnel to the remaining client gateway");
        try (Socks5Client.Connection connection = Socks5Client.connect(
                lab.socks(), "intranet.corp.internal", lab.ports.demoHttp())) {
            assertThat(connection.reply()).isEqualTo(0);
            OutputStream out = connection.socket().getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: intranet.corp.internal\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(connection.socket().getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200 OK");
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(millis).isLessThan(5_000);

        JsonNode after = agentStatus();
        assertThat(after.path("gateway").asText()).isEqualTo(address(remaining));
        assertThat(after.path("tunnel").asText()).isEqualTo("up");
    }
}
