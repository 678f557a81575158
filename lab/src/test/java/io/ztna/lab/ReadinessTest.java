package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.clientgateway.ClientGateway;
import io.ztna.clientgateway.ClientGatewayConfig;
import io.ztna.publishergateway.PublisherGateway;
import io.ztna.publishergateway.PublisherGatewayConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code /readyz} endpoint of each tier follows the tunnel that tier depends on: the
 * publisher and the client gateway need a publisher-gateway tunnel, the agent needs its tunnel
 * to a client gateway, and the publisher gateway needs only its own listener.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadinessTest {

    private static final int READY = 200;
    private static final int NOT_READY = 503;
    /** Reconnects back off for at most 15 s by default, so each wait allows more than that. */
    private static final int WAIT_SECONDS = 40;

    @TempDir
    Path dir;

    private InProcessLab lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void publisherGatewayLossAndReturn() throws Exception {
        lab = new InProcessLab(dir, List.of()).start();
        InetSocketAddress agent = lab.agent.adminAddress();
        InetSocketAddress clientGateway = lab.clientGateway.adminAddress();
        InetSocketAddress publisher = lab.publisher.adminAddress();
        assertThat(AdminClient.readiness(agent)).as("agent at start").isEqualTo(READY);
        assertThat(AdminClient.readiness(clientGateway)).as("client gateway at start")
                .isEqualTo(READY);
        assertThat(AdminClient.readiness(publisher)).as("publisher at start").isEqualTo(READY);
        assertThat(AdminClient.readiness(lab.publisherGateway.adminAddress()))
                .as("publisher gateway at start").isEqualTo(READY);

        lab.publisherGateway.close();
        assertThat(lab.publisherGateway.isReady()).as("publisher gateway after close")
                .isFalse();
        awaitReadiness(publisher, NOT_READY, "publisher without its gateway");
        awaitReadiness(clientGateway, NOT_READY, "client gateway without a publisher gateway");
        assertThat(AdminClient.readiness(agent)).as("agent while the publisher gateway is down")
                .isEqualTo(READY);

        lab.publisherGateway = new PublisherGateway(PublisherGatewayConfig.load(
                lab.state.config("publisher-gateway"))).start();
        assertThat(AdminClient.readiness(lab.publisherGateway.adminAddress()))
                .as("publisher gateway after restart").isEqualTo(READY);
        awaitReadiness(publisher, READY, "publisher after its gateway returned");
        awaitReadiness(clientGateway, READY, "client gateway after the publisher gateway "
                + "returned");
    }

    @Test
    void clientGatewayLossAndReturn() throws Exception {
        lab = new InProcessLab(dir, List.of()).start();
        InetSocketAddress agent = lab.agent.adminAddress();
        assertThat(AdminClient.readiness(agent)).as("agent at start").isEqualTo(READY);

        lab.clientGateway.close();
        awaitReadiness(agent, NOT_READY, "agent without its client gateway");

        lab.clientGateway = new ClientGateway(ClientGatewayConfig.load(
                lab.state.config("client-gateway"))).start();
        awaitReadiness(agent, READY, "agent after its client gateway returned");
        awaitReadiness(lab.clientGateway.adminAddress(), READY,
                "client gateway after restart");
    }

    private static void awaitReadiness(InetSocketAddress admin, int status, String what)
            throws InterruptedException {
        InProcessLab.await(() -> AdminClient.readiness(admin) == status,
                what + ": /readyz " + status, WAIT_SECONDS);
    }
}
