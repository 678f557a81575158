package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.clientgateway.ClientGateway;
import io.ztna.lab.demo.DemoHttpServer;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.testing.LeakCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client gateway drains with GOAWAY while a download runs through it. The download completes
 * intact on the draining tunnel, and the agent moves to the other client gateway for new
 * flows. The draining tunnel closes once the download is done.
 *
 * <p>The test drains the gateway's agent tunnel with {@link Tunnel#shutdownGracefully}, the
 * first step of {@link ClientGateway#close}. It closes the gateway only after the download,
 * because {@code close()} waits at most 2 s for tunnels to drain before it stops the event
 * loops.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayDrainTest {

    private static final int HALF_BYTES = 4 * 1024 * 1024;
    private static final long SEED = 11;

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

    @Test
    void drainingGatewayFinishesDownload() throws Exception {
        ClientGateway draining = lab.agentGateway();
        ClientGateway remaining = lab.otherGateway(draining);
        assertThat(draining.agentSessions()).hasSize(1);
        assertThat(remaining.agentSessions()).isEmpty();

        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch sendSecondHalf = new CountDownLatch(1);
        try (ServerSocket source = CrossTierTest.bindInLabRange()) {
            Future<String> sent = pool.submit(() -> serveDownload(source, sendSecondHalf));
            try (Socks5Client.Connection download = Socks5Client.connect(
                    lab.socks(), "host.lab.internal", source.getLocalPort())) {
                assertThat(download.reply()).isEqualTo(0);
                MessageDigest received = CrossTierTest.sha256();
                InputStream in = download.socket().getInputStream();
                read(in, received, HALF_BYTES);

                Tunnel drained = draining.agentTunnels().get(0);
                assertThat(drained.streamCount()).isEqualTo(1);
                drained.shutdownGracefully("test drains client gateway");
                InProcessLab.await(() -> lab.agent.isReady()
                        && remaining.agentSessions().size() == 1,
                        "agent tunnel to the remaining client gateway");

                try (Socks5Client.Connection page = Socks5Client.connect(
                        lab.socks(), "intranet.corp.internal", lab.ports.demoHttp())) {
                    assertThat(page.reply()).isEqualTo(0);
                    assertThat(remaining.agentTunnels().get(0).streamCount()).isEqualTo(1);
                    assertThat(drained.streamCount()).isEqualTo(1);
                    assertThat(drained.isActive()).isTrue();
                }
                Socks5Client.HttpResult result = Socks5Client.get(lab.socks(),
                        "intranet.corp.internal", lab.ports.demoHttp());
                assertThat(result.reply()).isEqualTo(0);
                assertThat(result.response()).contains(DemoHttpServer.MARKER);

                sendSecondHalf.countDown();
                read(in, received, HALF_BYTES);
                assertThat(in.read()).isEqualTo(-1);
                assertThat(HexFormat.of().formatHex(received.digest()))
                        .isEqualTo(sent.get(30, TimeUnit.SECONDS));
            }
            InProcessLab.await(() -> draining.agentTunnels().isEmpty(),
                    "draining tunnel closed after its last stream");
        } finally {
            pool.shutdownNow();
        }
        lab.clientGateways.remove(draining);
        draining.close();
        Socks5Client.HttpResult result = Socks5Client.get(lab.socks(), "intranet.corp.internal",
                lab.ports.demoHttp());
        assertThat(result.reply()).isEqualTo(0);
        assertThat(result.response()).contains(DemoHttpServer.MARKER);
    }

    /**
     * Accepts one connection, sends {@link #HALF_BYTES} seeded random bytes, waits for
     * {@code secondHalf}, sends as many again and closes; returns the SHA-256 of all bytes sent.
     */
    private static String serveDownload(ServerSocket source, CountDownLatch secondHalf)
            throws Exception {
        try (Socket accepted = source.accept()) {
            MessageDigest sha = CrossTierTest.sha256();
            Random random = new Random(SEED);
            OutputStream out = accepted.getOutputStream();
            write(out, random, sha);
            if (!secondHalf.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("second half not requested within 60 s");
            }
            write(out, random, sha);
            accepted.shutdownOutput();
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    private static void write(OutputStream out, Random random, MessageDigest sha)
            throws IOException {
        byte[] chunk = new byte[64 * 1024];
        for (int written = 0; written < HALF_BYTES; written += chunk.length) {
            random.nextBytes(chunk);
            out.write(chunk);
            sha.update(chunk);
        }
        out.flush();
    }

    private static void read(InputStream in, MessageDigest sha, int size) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int left = size;
        while (left > 0) {
            int read = in.read(buffer, 0, Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("download ended after " + (size - left) + " of " + size
                        + " bytes of this half");
            }
            sha.update(buffer, 0, read);
            left -= read;
        }
    }
}
