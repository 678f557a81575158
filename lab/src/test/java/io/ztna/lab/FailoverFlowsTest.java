package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.clientgateway.ClientGateway;
import io.ztna.proto.testing.LeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SOCKS echo flows keep opening, 5 at a time, while the client gateway that the agent uses
 * shuts down gracefully with GOAWAY. Every flow gets SOCKS reply 0 and its bytes back, because
 * the agent opens a flow that the draining gateway turned away once more on the other gateway.
 * Each client sends its payload in the same write as its SOCKS request, so the payload waits
 * in the agent as early input during the move.
 *
 * <p>NOTE: Whether a flow opens during the move depends on timing, so a run may exercise no
 * retry at all.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FailoverFlowsTest {

    private static final int FLOWS = 200;
    private static final int CONCURRENT = 5;
    /** Flows completed before the gateway closes, so that the close meets a steady load. */
    private static final int FLOWS_BEFORE_CLOSE = 40;
    /** Flows from this index on start only after the close returned. */
    private static final int FIRST_FLOW_AFTER_CLOSE = 100;

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
    void flowsSurviveGatewayClose() throws Exception {
        ClientGateway closing = lab.agentGateway();
        ClientGateway remaining = lab.otherGateway(closing);
        assertThat(closing.agentSessions()).hasSize(1);
        assertThat(remaining.agentSessions()).isEmpty();
        double agentOpensBefore = lab.agent.metrics().flowsOpened.get();

        AtomicInteger next = new AtomicInteger();
        CountDownLatch warmedUp = new CountDownLatch(FLOWS_BEFORE_CLOSE);
        CountDownLatch closed = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            workers.add(pool.submit(() -> {
                for (int flow = next.getAndIncrement(); flow < FLOWS;
                        flow = next.getAndIncrement()) {
                    if (flow >= FIRST_FLOW_AFTER_CLOSE && !closed.await(60, TimeUnit.SECONDS)) {
                        failures.add("flow " + flow + ": gateway not closed within 60 s");
                        return null;
                    }
                    String failure = echoFlow(flow);
                    if (failure != null) {
                        failures.add(failure);
                    }
                    warmedUp.countDown();
                }
                return null;
            }));
        }
        try {
            assertThat(warmedUp.await(60, TimeUnit.SECONDS))
                    .as("%d flows before the close", FLOWS_BEFORE_CLOSE).isTrue();
            lab.clientGateways.remove(closing);
            closing.close();
            closed.countDown();
            for (Future<?> worker : workers) {
                worker.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(failures).as("failed flows").isEmpty();
        assertThat(remaining.agentSessions()).hasSize(1);
        assertThat(remaining.metrics().flowsOpened.get())
                .as("flows through the remaining client gateway")
                .isGreaterThanOrEqualTo(FLOWS - FIRST_FLOW_AFTER_CLOSE);
        assertThat(lab.agent.metrics().flowsOpened.get() - agentOpensBefore)
                .as("agent opens, one per flow").isEqualTo(FLOWS);
    }

    /**
     * Sends the SOCKS5 greeting, a CONNECT to the echo app and the payload in one write, and
     * reads the replies and the echo; returns null on success or a description of the failure.
     */
    private String echoFlow(int flow) {
        byte[] payload = ("flow " + flow + " " + "x".repeat(100 + flow))
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket()) {
            socket.connect(lab.socks(), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(socksRequest(lab.ports.demoEcho(), payload));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] method = new byte[2];
            in.readFully(method);
            if (method[0] != 5 || method[1] != 0) {
                return "flow " + flow + ": greeting rejected: " + Arrays.toString(method);
            }
            byte[] reply = new byte[10];
            in.readFully(reply, 0, 4);
            if (reply[1] != 0) {
                return "flow " + flow + ": SOCKS reply " + reply[1];
            }
            int addressLength = reply[3] == 4 ? 16 : 4;
            in.readFully(new byte[addressLength + 2]);
            byte[] echoed = new byte[payload.length];
            in.readFully(echoed);
            if (!Arrays.equals(echoed, payload)) {
                return "flow " + flow + ": echo differs: "
                        + new String(echoed, StandardCharsets.US_ASCII);
            }
            return null;
        } catch (IOException e) {
            return "flow " + flow + ": " + e;
        }
    }

    private static byte[] socksRequest(int port, byte[] payload) {
        byte[] name = "host.lab.internal".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {5, 1, 0});
        out.writeBytes(new byte[] {5, 1, 0, 3, (byte) name.length});
        out.writeBytes(name);
        out.writeBytes(new byte[] {(byte) (port >> 8), (byte) port});
        out.writeBytes(payload);
        return out.toByteArray();
    }
}
