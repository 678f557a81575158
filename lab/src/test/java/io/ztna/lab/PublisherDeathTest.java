package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publisher that dies while a flow relays through all four tiers. The publisher gateway
 * resets the flow at once, so the client's socket closes within a second instead of hanging.
 * The client gateway's flow record names the publisher and why the flow ended.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublisherDeathTest {

    @TempDir
    Path dir;

    private FlowRecords flowRecords;
    private final ExecutorService closer = Executors.newSingleThreadExecutor();
    private InProcessLab lab;

    @BeforeEach
    void start() throws Exception {
        flowRecords = FlowRecords.attach();
        lab = new InProcessLab(dir, List.of()).start();
    }

    @AfterEach
    void stop() {
        closer.shutdownNow();
        if (lab != null) {
            lab.close();
        }
        if (flowRecords != null) {
            flowRecords.close();
        }
    }

    @Test
    void clientSeesCloseWithinOneSecond() throws Exception {
        try (Socks5Client.Connection connection = Socks5Client.connect(
                lab.socks(), "host.lab.internal", lab.ports.demoEcho())) {
            assertThat(connection.reply()).isEqualTo(0);
            Socket socket = connection.socket();
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");

            long startNanos = System.nanoTime();
            Future<?> closed = closer.submit(() -> lab.publisher.close());
            String outcome = readOutcome(in);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            closed.get(10, TimeUnit.SECONDS);
            lab.publisher = null;

            assertThat(outcome).isIn("end of stream", "connection reset");
            assertThat(millis).as("time from publisher close to the client's socket closing")
                    .isLessThan(1_000);
        }
        FlowRecords.Flow record = awaitFlowRecord();
        assertThat(record.publisher()).isEqualTo("pub-1");
        assertThat(record.result()).isEqualTo("CONNECTED");
        assertThat(record.reason()).startsWith(
                "PEER_GONE: tunnel to spiffe://ztna.lab/publisher/pub-1 closed");
    }

    /** Reads until the connection ends and returns how it ended. */
    private static String readOutcome(InputStream in) throws IOException {
        try {
            int next = in.read();
            return next < 0 ? "end of stream" : "byte " + next;
        } catch (SocketException e) {
            return e.getMessage() != null && e.getMessage().contains("reset")
                    ? "connection reset" : e.toString();
        }
    }

    /** Waits up to 20 s for the client gateway's flow record and returns it. */
    private FlowRecords.Flow awaitFlowRecord() throws InterruptedException {
        InProcessLab.await(() -> !flowRecords.all().isEmpty(), "flow record");
        return flowRecords.all().get(0);
    }
}
