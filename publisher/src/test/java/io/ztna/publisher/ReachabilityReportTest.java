package io.ztna.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.ztna.proto.control.PublisherStatusMessage;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The publisher probes its apps every 200 ms and reports their reachability to a stub
 * gateway: up while the target accepts connections, down from the round after it stops.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReachabilityReportTest {

    private static final long INTERVAL_MILLIS = 200;

    @TempDir
    Path dir;

    private final EventLoopGroup appGroup = Transports.newGroup(1);
    private final ListAppender<ILoggingEvent> proberLog = new ListAppender<>();
    private StubGateway gateway;
    private Publisher publisher;
    private Channel app;

    @BeforeEach
    void start() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ReachabilityProber.class);
        proberLog.setContext(logger.getLoggerContext());
        proberLog.start();
        logger.addAppender(proberLog);

        TestPki pki = TestPki.create(dir);
        gateway = new StubGateway(pki.workload(PeerRole.PUBLISHER_GATEWAY, "pg-1"));
        app = new ServerBootstrap()
                .group(appGroup)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.close();
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        int port = ((InetSocketAddress) app.localAddress()).getPort();
        TlsConfig tls = pki.workload(PeerRole.PUBLISHER, "pub-1");
        Path file = PublisherFiles.write(dir, tls, List.of(gateway.address()),
                "reachability:\n"
                        + "  interval: " + INTERVAL_MILLIS + "ms\n"
                        + "  timeout: 150ms\n"
                        + "  apps:\n"
                        + "    - name: intranet\n"
                        + "      targets: [intranet.corp.internal:" + port + "]\n");
        publisher = new Publisher(PublisherConfig.load(file)).start();
    }

    @AfterEach
    void stop() {
        if (publisher != null) {
            publisher.close();
        }
        gateway.close();
        app.close().syncUninterruptibly();
        appGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        ((Logger) LoggerFactory.getLogger(ReachabilityProber.class)).detachAppender(proberLog);
    }

    @Test
    void appGoesDownWithinTwoRounds() throws Exception {
        PublisherStatusMessage up = gateway.nextStatus();
        while (!up.apps().containsKey("intranet")) {
            up = gateway.nextStatus();
        }
        assertThat(up.apps()).isEqualTo(Map.of("intranet", true));
        assertThat(up.activeFlows()).isEqualTo(0);

        app.close().sync();
        long closedNanos = System.nanoTime();
        gateway.statuses.clear();
        // The round running while the app closed may have connected before; the next cannot.
        PublisherStatusMessage first = gateway.nextStatus();
        PublisherStatusMessage down = first.apps().get("intranet") ? gateway.nextStatus() : first;
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedNanos);

        assertThat(down.apps()).isEqualTo(Map.of("intranet", false));
        assertThat(down.activeFlows()).isEqualTo(0);
        assertThat(millis).as("time from app close to the status saying down")
                .isLessThan(5 * INTERVAL_MILLIS);
        List<String> warnings = messages(Level.WARN);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).startsWith("app unreachable: app=intranet targets=[");
        assertThat(warnings.get(0)).contains("refused");
        assertThat(messages(Level.INFO)).hasSize(1);
        assertThat(messages(Level.INFO).get(0)).startsWith(
                "app reachable: app=intranet target=intranet.corp.internal:");
    }

    @Test
    void statusSentEveryInterval() throws Exception {
        gateway.nextStatus();
        long startNanos = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(gateway.nextStatus().apps()).isEqualTo(Map.of("intranet", true));
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);

        // The first message may come from the tunnel coming up just before a round, so the
        // next three span at least one whole interval even with delivery jitter.
        assertThat(millis).as("time for three more status messages")
                .isGreaterThanOrEqualTo(INTERVAL_MILLIS);
        assertThat(messages(Level.INFO)).hasSize(1);
    }

    private List<String> messages(Level level) {
        synchronized (proberLog) {
            return proberLog.list.stream()
                    .filter(event -> event.getLevel() == level)
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }
}
