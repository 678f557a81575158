package io.ztna.proto.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Flows through two tunnels joined at a gateway by a {@link StreamBridge}. */
class StreamBridgeTest extends FlowPathScenarios {

    @Override
    boolean viaGateway() {
        return true;
    }

    @Test
    void bridgeReportsBothDirections() throws Exception {
        byte[] request = bytes("GET / HTTP/1.0\r\n\r\n");
        byte[] answer = randomBytes(200_000, 9);
        CompletableFuture<byte[]> appSide = app.serveNext(socket -> {
            byte[] received = socket.getInputStream().readAllBytes();
            socket.getOutputStream().write(answer);
            return received;
        });

        try (Socket client = connect()) {
            client.getOutputStream().write(request);
            client.shutdownOutput();
            assertSameBytes(client.getInputStream().readAllBytes(), answer);
        }

        assertThat(appSide.get(LoopbackChain.TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .asString(StandardCharsets.US_ASCII)
                .isEqualTo("GET / HTTP/1.0\r\n\r\n");
        StreamBridge bridge = chain.bridges.poll(LoopbackChain.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(bridge).isNotNull();
        RelaySummary summary = bridge.completion().get(LoopbackChain.TIMEOUT_SECONDS,
                TimeUnit.SECONDS);
        assertThat(summary.outcome()).isEqualTo("closed");
        assertThat(summary.bytesUp()).isEqualTo(request.length);
        assertThat(summary.bytesDown()).isEqualTo(answer.length);
    }
}
