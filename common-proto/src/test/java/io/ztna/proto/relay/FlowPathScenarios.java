package io.ztna.proto.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ztna.proto.testing.LeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flows from a client socket to an app socket across the relays and tunnels of a
 * {@link LoopbackChain}. Subclasses choose whether a gateway bridge sits in the middle.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class FlowPathScenarios {

    private static final int BULK_LENGTH = 16 * 1024 * 1024;
    private static final long TIMEOUT = LoopbackChain.TIMEOUT_SECONDS;

    AppServer app;
    LoopbackChain chain;
    private SocketStreamRelay entryRelay;

    /** True when the flow crosses a gateway that joins two tunnels with a {@link StreamBridge}. */
    abstract boolean viaGateway();

    @BeforeEach
    void start() throws Exception {
        app = new AppServer();
        chain = LoopbackChain.start(app.address(), viaGateway());
    }

    @AfterEach
    void stop() throws Exception {
        if (chain != null) {
            chain.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void halfClosedRequestGetsWholeAnswer() throws Exception {
        byte[] request = "LIST /pub\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        byte[] answer = randomBytes(1024 * 1024 + 17, 1);
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

        assertSameBytes(appSide.get(TIMEOUT, TimeUnit.SECONDS), request);
        RelaySummary entry = entryRelay().completion().get(TIMEOUT, TimeUnit.SECONDS);
        assertThat(entry.outcome()).isEqualTo("closed");
        assertThat(entry.bytesUp()).isEqualTo(request.length);
        assertThat(entry.bytesDown()).isEqualTo(answer.length);
        RelaySummary exit = exitRelay().completion().get(TIMEOUT, TimeUnit.SECONDS);
        assertThat(exit.outcome()).isEqualTo("closed");
        assertThat(exit.bytesUp()).isEqualTo(request.length);
        assertThat(exit.bytesDown()).isEqualTo(answer.length);
    }

    @Test
    void appFinLeavesUploadOpen() throws Exception {
        byte[] banner = "220 ready\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] upload = randomBytes(300_000, 2);
        CompletableFuture<byte[]> appSide = app.serveNext(socket -> {
            socket.getOutputStream().write(banner);
            socket.shutdownOutput();
            return socket.getInputStream().readAllBytes();
        });

        try (Socket client = connect()) {
            assertSameBytes(client.getInputStream().readAllBytes(), banner);
            client.getOutputStream().write(upload);
            client.shutdownOutput();

            assertSameBytes(appSide.get(TIMEOUT, TimeUnit.SECONDS), upload);
        }
        assertThat(entryRelay().completion().get(TIMEOUT, TimeUnit.SECONDS).outcome())
                .isEqualTo("closed");
    }

    @Test
    void sixteenMebibytesEachWayArriveIntact() throws Exception {
        CompletableFuture<String> appSide = app.serveNext(socket -> {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.read(chunk)) > 0; ) {
                digest.update(chunk, 0, n);
                out.write(chunk, 0, n);
            }
            socket.shutdownOutput();
            return HexFormat.of().formatHex(digest.digest());
        });

        try (Socket client = connect()) {
            CompletableFuture<String> sent = CompletableFuture.supplyAsync(() -> send(client));
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long received = 0;
            InputStream in = client.getInputStream();
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.read(chunk)) > 0; ) {
                digest.update(chunk, 0, n);
                received += n;
            }

            String sentDigest = sent.get(TIMEOUT, TimeUnit.SECONDS);
            assertThat(received).isEqualTo(BULK_LENGTH);
            assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(sentDigest);
            assertThat(appSide.get(TIMEOUT, TimeUnit.SECONDS)).isEqualTo(sentDigest);
        }
    }

    @Test
    void appResetReachesClientAsReset() throws Exception {
        CompletableFuture<Void> appSide = app.serveNext(socket -> {
            socket.getInputStream().readNBytes(4);
            socket.getOutputStream().write(bytes("pong"));
            socket.getInputStream().readNBytes(4);
            socket.setSoLinger(true, 0);
            return null;
        });

        try (Socket client = connect()) {
            client.getOutputStream().write(bytes("ping"));
            assertThat(client.getInputStream().readNBytes(4)).isEqualTo(bytes("pong"));
            client.getOutputStream().write(bytes("quit"));
            appSide.get(TIMEOUT, TimeUnit.SECONDS);

            assertThatThrownBy(() -> client.getInputStream().read())
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
        assertThat(entryRelay().completion().get(TIMEOUT, TimeUnit.SECONDS).outcome())
                .startsWith("APP_RESET");
    }

    @Test
    void clientResetReachesAppAsReset() throws Exception {
        CompletableFuture<Throwable> appSide = app.serveNext(socket -> {
            socket.getInputStream().readNBytes(4);
            socket.getOutputStream().write(bytes("pong"));
            try {
                int next = socket.getInputStream().read();
                return new AssertionError("app read " + next + " instead of a reset");
            } catch (SocketException e) {
                return e;
            }
        });

        try (Socket client = connect()) {
            client.getOutputStream().write(bytes("ping"));
            assertThat(client.getInputStream().readNBytes(4)).isEqualTo(bytes("pong"));
            client.setSoLinger(true, 0);
        }

        assertThat(appSide.get(TIMEOUT, TimeUnit.SECONDS))
                .isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
        assertThat(exitRelay().completion().get(TIMEOUT, TimeUnit.SECONDS).outcome())
                .startsWith("CLIENT_RESET");
    }

    @Test
    void clientResetBeforeFirstByteResetsApp() throws Exception {
        CompletableFuture<Throwable> appSide = app.serveNext(socket -> {
            try {
                int next = socket.getInputStream().read();
                return next < 0 ? null : new AssertionError("app read " + next);
            } catch (SocketException e) {
                return e;
            }
        });

        try (Socket client = connectAndSendAtOnce()) {
            client.setSoLinger(true, 0);
        }

        assertThat(appSide.get(TIMEOUT, TimeUnit.SECONDS))
                .isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
        assertThat(entryRelay().completion().get(TIMEOUT, TimeUnit.SECONDS).outcome())
                .startsWith("CLIENT_RESET");
    }

    // Helpers.

    /**
     * Connects a client and returns once its stream is open and the entry relay started, as a
     * SOCKS or HTTP CONNECT client sends only after its proxy replied.
     */
    Socket connect() throws Exception {
        Socket socket = connectAndSendAtOnce();
        entryRelay = chain.entryRelays.poll(TIMEOUT, TimeUnit.SECONDS);
        assertThat(entryRelay).as("entry relay").isNotNull();
        return socket;
    }

    Socket connectAndSendAtOnce() throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT));
        socket.connect(chain.entryAddress(), (int) TimeUnit.SECONDS.toMillis(TIMEOUT));
        return socket;
    }

    SocketStreamRelay entryRelay() throws InterruptedException {
        if (entryRelay == null) {
            entryRelay = chain.entryRelays.poll(TIMEOUT, TimeUnit.SECONDS);
        }
        assertThat(entryRelay).as("entry relay").isNotNull();
        return entryRelay;
    }

    SocketStreamRelay exitRelay() throws InterruptedException {
        SocketStreamRelay relay = chain.exitRelays.poll(TIMEOUT, TimeUnit.SECONDS);
        assertThat(relay).as("exit relay").isNotNull();
        return relay;
    }

    /** Writes {@link #BULK_LENGTH} seeded random bytes, half-closes and returns their SHA-256. */
    private static String send(Socket socket) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Random random = new Random(3);
            byte[] chunk = new byte[64 * 1024];
            OutputStream out = socket.getOutputStream();
            for (int sent = 0; sent < BULK_LENGTH; sent += chunk.length) {
                random.nextBytes(chunk);
                digest.update(chunk);
                out.write(chunk);
            }
            socket.shutdownOutput();
            return HexFormat.of().formatHex(digest.digest());
        } catch (Exception e) {
            throw new IllegalStateException("upload failed", e);
        }
    }

    /** Compares lengths, then the SHA-256 of both, so a failure prints no megabytes of data. */
    static void assertSameBytes(byte[] actual, byte[] expected) throws Exception {
        assertThat(actual.length).as("length").isEqualTo(expected.length);
        assertThat(sha256(actual)).as("SHA-256").isEqualTo(sha256(expected));
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
