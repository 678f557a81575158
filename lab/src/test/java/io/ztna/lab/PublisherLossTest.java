package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.publisher.Publisher;
import io.ztna.publisher.PublisherConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no publisher of an app connected, a flow fails at once with SOCKS reply 0x03 (network
 * unreachable, the documented code for NO_PUBLISHER). Once a publisher dials in again, flows
 * succeed again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublisherLossTest {

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
    void noPublisherRepliesNetworkUnreachable() throws Exception {
        lab.publisher.close();
        lab.publisher = null;
        InProcessLab.await(() -> !lab.clientGateway.directory().connectedPublishers()
                .contains("pub-1"), "client gateway sees pub-1 gone");

        long start = System.nanoTime();
        try (Socks5Client.Connection connection = Socks5Client.connect(
                lab.socks(), "intranet.corp.internal", lab.ports.demoHttp())) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(connection.reply()).isEqualTo(0x03);
            assertThat(millis).isLessThan(1_000);
        }

        lab.publisher = new Publisher(PublisherConfig.load(lab.state.config("publisher"))).start();
        InProcessLab.await(() -> lab.clientGateway.directory().connectedPublishers()
                .contains("pub-1"), "client gateway sees pub-1 back");
        try (Socks5Client.Connection connection = Socks5Client.connect(
                lab.socks(), "intranet.corp.internal", lab.ports.demoHttp())) {
            assertThat(connection.reply()).isEqualTo(0x00);
        }
    }
}
