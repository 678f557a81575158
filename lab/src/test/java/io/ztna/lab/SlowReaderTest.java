package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.mux.TunnelStats;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading a large download must stall only its own flow. Another flow on
 * the same tunnels keeps full speed, the gateways buffer no more than the stalled stream's
 * window, and the download completes intact once the client reads again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SlowReaderTest {

    private static final long DOWNLOAD_BYTES = 64L * 1024 * 1024;
    private static final long ECHO_BYTES = 32L * 1024 * 1024;

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
    void stalledFlowLeavesOthersRunning() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        AtomicLong written = new AtomicLong();
        try (ServerSocket source = CrossTierTest.bindInLabRange()) {
            Future<String> sent = pool.submit(() -> {
                try (Socket accepted = source.accept()) {
                    String digest = sendCounting(accepted, written);
                    accepted.shutdownOutput();
                    return digest;
                }
            });
            try (Socks5Client.Connection download = Socks5Client.connect(
                    lab.socks(), "host.lab.internal", source.getLocalPort(), 16 * 1024)) {
                assertThat(download.reply()).isEqualTo(0);

                try (Socks5Client.Connection echo = Socks5Client.connect(
                        lab.socks(), "host.lab.internal", lab.ports.demoEcho())) {
                    assertThat(echo.reply()).isEqualTo(0);
                    Future<String> echoSent = pool.submit(
                            () -> CrossTierTest.sendRandom(echo.socket(), ECHO_BYTES, 7));
                    String echoed = CrossTierTest.digest(echo.socket().getInputStream(), ECHO_BYTES);
                    assertThat(echoed).isEqualTo(echoSent.get(60, TimeUnit.SECONDS));
                }

                long maxWindow = TunnelOptions.defaults().maxStreamWindow();
                for (TunnelStats stats : stats(lab.clientGateway.publisherGatewayTunnels())) {
                    assertThat(stats.unconsumedBytes()).isLessThanOrEqualTo(maxWindow);
                }
                for (TunnelStats stats : stats(lab.publisherGateway.publisherTunnels())) {
                    assertThat(stats.unconsumedBytes()).isLessThanOrEqualTo(maxWindow);
                }
                assertThat(written.get()).isLessThan(DOWNLOAD_BYTES);

                String received = CrossTierTest.digest(
                        download.socket().getInputStream(), DOWNLOAD_BYTES);
                assertThat(received).isEqualTo(sent.get(60, TimeUnit.SECONDS));
                assertThat(download.socket().getInputStream().read()).isEqualTo(-1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<TunnelStats> stats(List<Tunnel> tunnels) throws Exception {
        List<TunnelStats> list = new ArrayList<>();
        for (Tunnel tunnel : tunnels) {
            list.add(tunnel.stats().get(5, TimeUnit.SECONDS));
        }
        return list;
    }

    private static String sendCounting(Socket socket, AtomicLong written) throws IOException {
        OutputStream out = socket.getOutputStream();
        MessageDigest sha = CrossTierTest.sha256();
        Random random = new Random(42);
        byte[] chunk = new byte[64 * 1024];
        long left = DOWNLOAD_BYTES;
        while (left > 0) {
            random.nextBytes(chunk);
            int length = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, length);
            sha.update(chunk, 0, length);
            written.addAndGet(length);
            left -= length;
        }
        out.flush();
        return HexFormat.of().formatHex(sha.digest());
    }
}
