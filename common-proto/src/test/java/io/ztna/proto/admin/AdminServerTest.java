package io.ztna.proto.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.transport.Transports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin endpoint's responses to requests its HTTP decoder rejects. */
@ExtendWith(LeakCheck.class)
class AdminServerTest {

    private EventLoopGroup group;
    private AdminServer server;

    @BeforeEach
    void start() throws Exception {
        group = Transports.newGroup(1);
        server = new AdminServer(new InetSocketAddress("127.0.0.1", 0), () -> true,
                () -> Map.of("state", "up")).start(group);
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void oneMegabyteHeaderGets431AndClose() throws Exception {
        String request = "GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(1 << 20)
                + "\r\n\r\n";

        String response = exchange(request);

        assertThat(response).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
        assertThat(response).contains("\r\nconnection: close\r\n");
        assertThat(response).endsWith(
                "\r\n\r\nrequest header fields too large (expected at most 8 KiB)\n");
    }

    @Test
    void twentyThousandHeadersGet431AndClose() throws Exception {
        StringBuilder request = new StringBuilder("GET /healthz HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 20_000; i++) {
            request.append("X-H").append(i).append(": 1\r\n");
        }
        request.append("\r\n");

        String response = exchange(request.toString());

        assertThat(response).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
        assertThat(response).contains("\r\nconnection: close\r\n");
    }

    @Test
    void malformedRequestGets400AndClose() throws Exception {
        String response = exchange("GET /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThat(response).contains("\r\nconnection: close\r\n");
        assertThat(response).endsWith("\r\n\r\ninvalid request\n");
    }

    @Test
    void validRequestKeepsConnection() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(
                    "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] head = socket.getInputStream().readNBytes(17);

            assertThat(new String(head, StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 200 OK\r\n");
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(server.localAddress(), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /**
     * Sends the request from another thread and returns everything the server sent until it
     * closed. The server responds and closes before it has read a large request.
     */
    private String exchange(String request) throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    out.write(request.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // The server closed the connection after its response: expected.
                }
            });
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                received.write(buffer, 0, n);
            }
            sent.get(10, TimeUnit.SECONDS);
            return received.toString(StandardCharsets.US_ASCII);
        }
    }
}
