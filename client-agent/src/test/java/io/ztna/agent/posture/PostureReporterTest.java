package io.ztna.agent.posture;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.ztna.agent.capture.TunnelPair;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ControlMessage;
import io.ztna.proto.control.PostureMessage;
import io.ztna.proto.control.ReauthChallengeMessage;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.posture.CheckState;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.tls.ReauthProof;
import io.ztna.proto.transport.Transports;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reporter on the near end of a plain TCP tunnel pair on loopback, with posture from a
 * temporary root, while the far end records what arrives. Reports and responses leave the
 * reporter's one thread in order. So a report requested after a challenge arrives after any
 * response to it, and arriving first shows that no response was sent.
 */
@ExtendWith(LeakCheck.class)
class PostureReporterTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path root;
    private EventLoopGroup group;
    private TunnelPair pair;
    private final BlockingQueue<ControlMessage> received = new LinkedBlockingQueue<>();
    private PostureReporter reporter;

    @BeforeEach
    void start() throws Exception {
        group = Transports.newGroup(1);
        pair = TunnelPair.start(group, new TunnelListener() {
            @Override
            public void onStreamOpened(Tunnel tunnel, Stream stream) {
                stream.reject(OpenResult.DENIED_BY_POLICY, "the far end accepts no flows");
            }

            @Override
            public void onControl(Tunnel tunnel, String json) {
                received.add(ControlCodec.decode(json));
            }
        });
    }

    @AfterEach
    void stop() {
        if (reporter != null) {
            reporter.close();
        }
        pair.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private PostureReporter startReporter(Duration checkInterval, Duration reportInterval,
            DeviceKey key) {
        PostureCollector collector = new PostureCollector(new PostureSources(root),
                List.of(new AdminCheck("flag-present", root.resolve("flag"), null, null)));
        reporter = new PostureReporter(new PostureSection(checkInterval, reportInterval,
                List.of()), collector, key).start();
        return reporter;
    }

    private ControlMessage next() throws InterruptedException {
        ControlMessage message = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(message).as("control message within %s", WAIT).isNotNull();
        return message;
    }

    private static DeviceKey ecKey() throws Exception {
        return DeviceKey.of(KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate());
    }

    @Test
    void unchangedPostureResentAfterReportInterval() throws Exception {
        startReporter(Duration.ofMillis(50), Duration.ofMillis(300), ecKey());
        reporter.tunnelReady(pair.near());
        ControlMessage first = next();
        long firstNanos = System.nanoTime();

        ControlMessage second = next();

        long elapsedMillis = (System.nanoTime() - firstNanos) / 1_000_000;
        assertThat(first).isInstanceOf(PostureMessage.class);
        assertThat(second).isEqualTo(first);
        assertThat(elapsedMillis).as("time between the two reports").isGreaterThan(200);
    }

    @Test
    void signingFailureSendsNoResponse() throws Exception {
        // ReauthProof signs with EC, RSA and Ed25519 keys only.
        DeviceKey dsa = DeviceKey.of(
                KeyPairGenerator.getInstance("DSA").generateKeyPair().getPrivate());
        startReporter(Duration.ofMinutes(1), Duration.ofMinutes(5), dsa);
        reporter.tunnelReady(pair.near());
        assertThat(next()).isInstanceOf(PostureMessage.class);

        reporter.respond(pair.near(), new ReauthChallengeMessage(ReauthProof.newNonce(), 0));
        reporter.tunnelReady(pair.near());

        assertThat(next()).isInstanceOf(PostureMessage.class);
        assertThat(reporter.lastReauth()).isNull();
    }

    @Test
    void challengeWithoutNonceIgnored() throws Exception {
        startReporter(Duration.ofMinutes(1), Duration.ofMinutes(5), ecKey());
        reporter.tunnelReady(pair.near());
        assertThat(next()).isInstanceOf(PostureMessage.class);

        reporter.respond(pair.near(), new ReauthChallengeMessage(null, 0));
        reporter.tunnelReady(pair.near());

        assertThat(next()).isInstanceOf(PostureMessage.class);
        assertThat(reporter.lastReauth()).isNull();
    }

    @Test
    void lastSentTracksReports() throws Exception {
        startReporter(Duration.ofMinutes(1), Duration.ofMinutes(5), ecKey());
        assertThat(reporter.lastSent()).isNull();

        reporter.tunnelReady(pair.near());

        PostureMessage report = (PostureMessage) next();
        assertThat(reporter.lastSent()).isEqualTo(report.posture());
        assertThat(report.posture().check("flag-present")).isEqualTo(CheckState.FAIL);
    }
}
