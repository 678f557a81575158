package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.lab.demo.DemoHttpServer;
import io.ztna.proto.mux.Tunnel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real flows through agent, client gateway, publisher gateway and publisher, all in this JVM
 * with real TLS on loopback, reached through the agent's SOCKS5 server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrossTierTest {

    @TempDir
    static Path dir;

    static InProcessLab lab;

    @BeforeAll
    static void startLab() throws Exception {
        lab = new InProcessLab(dir, List.of()).start();
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void demoPageThroughSocks() throws IOException {
        try (Socks5Client.Connection connection = Socks5Client.connect(
                lab.socks(), "intranet.corp.internal", lab.ports.demoHttp())) {
            assertThat(connection.reply()).isEqualTo(0);
            OutputStream out = connection.socket().getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: intranet.corp.internal\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(connection.socket().getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200 OK");
            assertThat(response).contains(DemoHttpServer.MARKER);
            assertThat(response).contains("Host: intranet.corp.internal");
        }
    }

    @Test
    void sixtyFourMebibytesEachWay() throws Exception {
        long size = 64L * 1024 * 1024;
        try (Socks5Client.Connection connection = Socks5Client.connect(
                lab.socks(), "host.lab.internal", lab.ports.demoEcho())) {
            assertThat(connection.reply()).isEqualTo(0);
            Socket socket = connection.socket();
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<String> sent = writer.submit(() -> sendRandom(socket, size, 64));
                String received = digest(socket.getInputStream(), size);
                assertThat(received).isEqualTo(sent.get(60, TimeUnit.SECONDS));
                socket.shutdownOutput();
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            } finally {
                writer.shutdownNow();
            }
        }
    }

    @Test
    void twoHundredConcurrentFlows() throws Exception {
        int flows = 200;
        int size = 256 * 1024;
        ExecutorService pool = Executors.newFixedThreadPool(flows * 2);
        try {
            List<Future<String[]>> results = new ArrayList<>();
            for (int i = 0; i < flows; i++) {
                int seed = i;
                results.add(pool.submit(() -> {
                    try (Socks5Client.Connection connection = Socks5Client.connect(
                            lab.socks(), "host.lab.internal", lab.ports.demoEcho())) {
                        if (connection.reply() != 0) {
                            return new String[] {"reply " + connection.reply(), ""};
                        }
                        Socket socket = connection.socket();
                        Future<String> sent = pool.submit(() -> sendRandom(socket, size, seed));
                        String received = digest(socket.getInputStream(), size);
                        return new String[] {sent.get(60, TimeUnit.SECONDS), received};
                    }
                }));
            }
            for (int i = 0; i < flows; i++) {
                String[] pair = results.get(i).get(90, TimeUnit.SECONDS);
                assertThat(pair[1]).as("flow %d", i).isEqualTo(pair[0]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void halfCloseReachesApp() throws Exception {
        try (ServerSocket app = bindInLabRange()) {
            ExecutorService server = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> appSide = server.submit(() -> {
                    try (Socket accepted = app.accept()) {
                        byte[] request = accepted.getInputStream().readAllBytes();
                        OutputStream out = accepted.getOutputStream();
                        out.write(("got " + request.length + " bytes: "
                                + new String(request, StandardCharsets.UTF_8))
                                .getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        accepted.shutdownOutput();
                        return accepted.getInputStream().read();
                    }
                });
                try (Socks5Client.Connection connection = Socks5Client.connect(
                        lab.socks(), "host.lab.internal", app.getLocalPort())) {
                    assertThat(connection.reply()).isEqualTo(0);
                    Socket socket = connection.socket();
                    socket.getOutputStream().write("request".getBytes(StandardCharsets.UTF_8));
                    socket.shutdownOutput();
                    String answer = new String(socket.getInputStream().readAllBytes(),
                            StandardCharsets.UTF_8);
                    assertThat(answer).isEqualTo("got 7 bytes: request");
                }
                assertThat(appSide.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
            } finally {
                server.shutdownNow();
            }
        }
    }

    @Test
    void blockedAppRepliesNotAllowed() throws IOException {
        long start = System.nanoTime();
        try (Socks5Client.Connection connection =
                Socks5Client.connect(lab.socks(), "ssh.corp.internal", 22)) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(connection.reply()).isEqualTo(0x02);
            assertThat(millis).isLessThan(1_000);
        }
    }

    @Test
    void closedAppPortRepliesRefused() throws IOException {
        int closedPort;
        try (ServerSocket probe = bindInLabRange()) {
            closedPort = probe.getLocalPort();
        }
        long start = System.nanoTime();
        try (Socks5Client.Connection connection =
                Socks5Client.connect(lab.socks(), "host.lab.internal", closedPort)) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(connection.reply()).isEqualTo(0x05);
            assertThat(millis).isLessThan(1_000);
        }
    }

    @Test
    void shortFlowsLeaveNoStreams() throws Exception {
        try (ServerSocket app = bindInLabRange()) {
            ExecutorService server = Executors.newSingleThreadExecutor();
            try {
                server.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        try (Socket accepted = app.accept()) {
                            accepted.getOutputStream().write('x');
                        }
                    }
                    return null;
                });
                for (int i = 0; i < 300; i++) {
                    try (Socks5Client.Connection connection = Socks5Client.connect(
                            lab.socks(), "host.lab.internal", app.getLocalPort())) {
                        assertThat(connection.reply()).isEqualTo(0);
                        assertThat(connection.socket().getInputStream().read()).isEqualTo('x');
                        assertThat(connection.socket().getInputStream().read()).isEqualTo(-1);
                    }
                }
            } finally {
                server.shutdownNow();
            }
        }
        for (int i = 0; i < 300; i++) {
            try (Socks5Client.Connection connection = Socks5Client.connect(
                    lab.socks(), "host.lab.internal", lab.ports.demoEcho())) {
                assertThat(connection.reply()).isEqualTo(0);
                connection.socket().getOutputStream().write('y');
                assertThat(connection.socket().getInputStream().read()).isEqualTo('y');
            }
        }

        List<Tunnel> tunnels = new ArrayList<>(lab.clientGateway.agentTunnels());
        tunnels.addAll(lab.clientGateway.publisherGatewayTunnels());
        tunnels.addAll(lab.publisherGateway.publisherTunnels());
        assertThat(tunnels).hasSize(3);
        InProcessLab.await(() -> tunnels.stream().allMatch(tunnel -> tunnel.streamCount() == 0),
                "every stream closed on every tunnel");
    }

    /** Binds a loopback port inside 18000-18999, the ports host.lab.internal covers. */
    static ServerSocket bindInLabRange() throws IOException {
        for (int port = 18100; port < 19000; port++) {
            try {
                return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                // In use; try the next one.
            }
        }
        throw new IOException("no free port in 18100-18999");
    }

    static String sendRandom(Socket socket, long size, long seed) throws IOException {
        MessageDigest sha = sha256();
        Random random = new Random(seed);
        byte[] chunk = new byte[64 * 1024];
        OutputStream out = socket.getOutputStream();
        long left = size;
        while (left > 0) {
            random.nextBytes(chunk);
            int length = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, length);
            sha.update(chunk, 0, length);
            left -= length;
        }
        out.flush();
        return HexFormat.of().formatHex(sha.digest());
    }

    static String digest(InputStream in, long size) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("stream ended after " + (size - left) + " of " + size
                        + " bytes");
            }
            sha.update(buffer, 0, read);
            left -= read;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
