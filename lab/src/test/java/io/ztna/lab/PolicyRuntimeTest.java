package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.ztna.clientgateway.policy.AccessPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ztna.agent.ClientAgentCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.ztna.proto.control.NoticeMessage;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import io.ztna.proto.pki.CertificateAuthority;
import io.ztna.proto.pki.CrlFile;
import java.security.cert.CRLReason;
import java.time.Duration;
import io.ztna.proto.control.PostureMessage;
import io.ztna.proto.control.ReauthChallengeMessage;
import io.ztna.proto.control.ReauthResponseMessage;
import io.ztna.proto.control.SteeringPolicyMessage;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.FlowOpenException;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.StreamListener;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.posture.CheckState;
import io.ztna.proto.posture.DevicePosture;
import io.ztna.proto.tls.ReauthProof;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client gateway's policy at run time, with all four tiers in this JVM: reloads that change
 * access for a live tunnel, revocation of relaying flows, flows outside the steering policy,
 * device posture, directory changes and periodic re-authentication. Each test writes the policy
 * file it needs and reloads it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PolicyRuntimeTest {

    private static final String ALICE = LabState.USER;

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

    /**
     * Writes a policy with two echo apps, one by name and one by address, an ssh app blocked
     * for everyone with a notice, alice (engineering, /corp/eng/platform) and carol
     * (contractors, re-authenticating every second with 300 ms of grace), then reloads it.
     */
    private static long applyPolicy(String byNameRule, String byAddressPosture, boolean carol)
            throws Exception {
        return applyPolicy(byNameRule, byAddressPosture, carol, "");
    }

    private static long applyPolicy(String byNameRule, String byAddressPosture, boolean carol,
            String moreReauthGroups) throws Exception {
        int echo = lab.ports.demoEcho();
        String policy = "apps:\n"
                + "  - {name: echo-by-name, hosts: [host.lab.internal], protocols: [tcp:" + echo
                + "], publishers: [pub-1]}\n"
                + "  - {name: echo-by-address, hosts: [127.0.0.1], protocols: [tcp:" + echo
                + "], publishers: [pub-1]}\n"
                + "  - {name: ssh, hosts: [ssh.corp.internal], protocols: [tcp:22], "
                + "publishers: [pub-1]}\n"
                + "users:\n"
                + "  - {id: " + ALICE + ", groups: [engineering], ou: /corp/eng/platform}\n"
                + (carol ? "  - {id: carol@example.com, groups: [contractors]}\n" : "")
                + "rules:\n"
                + byNameRule
                + "  - name: by-address\n"
                + "    action: allow\n"
                + "    ous: [/corp/eng]\n"
                + (carol ? "    users: [carol@example.com]\n" : "")
                + "    apps: [echo-by-address]\n"
                + byAddressPosture
                + "  - {name: no-ssh, action: block, everyone: true, apps: [ssh], notify: true}\n"
                + "reauthentication:\n"
                + "  groups:\n"
                + "    - {group: contractors, interval: 1s, grace: 300ms}\n"
                + moreReauthGroups;
        String previous = Files.readString(lab.state.config("policy"));
        if (previous.equals(policy)) {
            return lab.clientGateway.policies().current().version();
        }
        long before = lab.clientGateway.policies().current().version();
        Files.writeString(lab.state.config("policy"), policy);
        // The watcher may reload first; either way the version must move.
        lab.clientGateway.policies().reloadIfChanged();
        long version = lab.clientGateway.policies().current().version();
        assertThat(version).isGreaterThan(before);
        AccessPolicy current = lab.clientGateway.policies().current();
        SteeringPolicy expected = current.steeringPolicy(
                current.principal(ALICE, DevicePosture.NONE));
        InProcessLab.await(() -> expected.sameEntries(lab.agent.steering().policy()),
                "agent has the new SRP");
        return version;
    }

    private static final String BY_NAME = "  - {name: by-name, action: allow, "
            + "groups: [engineering], apps: [echo-by-name]}\n";

    private static String echo(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        byte[] answer = socket.getInputStream().readNBytes(text.length());
        return new String(answer, StandardCharsets.US_ASCII);
    }

    @Test
    void reloadRevokesOnlyFlowsNoLongerAllowed() throws Exception {
        applyPolicy(BY_NAME, "", false);
        // A crafted agent of an earlier test may still be closing at the client gateway.
        InProcessLab.await(() -> lab.clientGateway.agentTunnels().size() == 1,
                "only the lab's agent connected");
        Tunnel agentTunnel = lab.clientGateway.agentTunnels().get(0);
        try (Socks5Client.Connection byName = Socks5Client.connect(lab.socks(),
                "host.lab.internal", lab.ports.demoEcho());
                Socks5Client.Connection byAddress = Socks5Client.connect(lab.socks(),
                        "127.0.0.1", lab.ports.demoEcho())) {
            assertThat(byName.reply()).isEqualTo(0);
            assertThat(byAddress.reply()).isEqualTo(0);
            assertThat(echo(byName.socket(), "one")).isEqualTo("one");
            assertThat(echo(byAddress.socket(), "two")).isEqualTo("two");

            long version = applyPolicy("", "", false);

            byName.socket().setSoTimeout(5_000);
            Throwable ended = catchThrowable(() -> {
                int read = byName.socket().getInputStream().read();
                if (read != -1) {
                    throw new AssertionError("read a byte from a revoked flow: " + read);
                }
            });
            assertThat(ended).isNotInstanceOf(SocketTimeoutException.class)
                    .isNotInstanceOf(AssertionError.class);
            assertThat(echo(byAddress.socket(), "three")).isEqualTo("three");
            assertThat(lab.clientGateway.agentTunnels()).containsExactly(agentTunnel);
            SteeringPolicy srp = lab.agent.steering().policy();
            assertThat(srp.version()).isEqualTo(version);
            assertThat(srp.apps()).extracting(SteeringPolicy.SteeredApp::name)
                    .containsExactly("echo-by-address");
            assertThat(srp.blocked()).extracting(SteeringPolicy.SteeredApp::rule)
                    .containsExactly("no-ssh");
        }
        try (Socks5Client.Connection again = Socks5Client.connect(lab.socks(),
                "host.lab.internal", lab.ports.demoEcho())) {
            assertThat(again.reply()).isEqualTo(0x02);
        }
    }

    @Test
    void invalidReloadKeepsRunningPolicy() throws Exception {
        long version = applyPolicy(BY_NAME, "", false);
        String valid = Files.readString(lab.state.config("policy"));
        Files.writeString(lab.state.config("policy"),
                valid.replace("protocols: [tcp:22]", "protocols: [tcp:70000]"));

        assertThat(lab.clientGateway.policies().reloadIfChanged()).isFalse();

        assertThat(lab.clientGateway.policies().current().version()).isEqualTo(version);
        try (Socks5Client.Connection flow = Socks5Client.connect(lab.socks(),
                "host.lab.internal", lab.ports.demoEcho())) {
            assertThat(flow.reply()).isEqualTo(0);
            assertThat(echo(flow.socket(), "still")).isEqualTo("still");
        }
    }

    @Test
    void watcherAppliesAChangedFile() throws Exception {
        applyPolicy(BY_NAME, "", false);
        long version = lab.clientGateway.policies().current().version();
        String text = Files.readString(lab.state.config("policy"));
        Files.writeString(lab.state.config("policy"), text.replace(BY_NAME, ""));

        InProcessLab.await(() -> lab.clientGateway.policies().current().version() > version,
                "the watcher reloads the policy");
        InProcessLab.await(() -> lab.agent.steering().policy().apps().size() == 1,
                "the agent receives the SRP without echo-by-name");
    }

    @Test
    void flowOutsideSteeringPolicyIsDenied() throws Exception {
        applyPolicy(BY_NAME, "", false);
        try (CraftedAgent crafted = new CraftedAgent(lab, ALICE, "crafted-1")) {
            crafted.next(SteeringPolicyMessage.class);

            FlowOpenException blocked = openFails(crafted, "ssh.corp.internal", 22);
            FlowOpenException uncovered = openFails(crafted, "db.corp.internal", 5432);

            assertThat(blocked.result()).isEqualTo(OpenResult.DENIED_BY_POLICY);
            assertThat(blocked.getMessage()).isEqualTo("blocked by rule no-ssh");
            NoticeMessage notice = crafted.next(NoticeMessage.class);
            assertThat(notice.rule()).isEqualTo("no-ssh");
            assertThat(notice.destination()).isEqualTo("ssh.corp.internal:22");
            assertThat(uncovered.result()).isEqualTo(OpenResult.DENIED_BY_POLICY);
            assertThat(uncovered.getMessage())
                    .isEqualTo("no app covers tcp db.corp.internal:5432");
        }
    }

    @Test
    void postureFailureDeniesAndRevokes() throws Exception {
        applyPolicy(BY_NAME, "    posture: {firewall: true, checks: [edr-running]}\n", false);
        try (CraftedAgent crafted = new CraftedAgent(lab, ALICE, "crafted-2")) {
            crafted.next(SteeringPolicyMessage.class);
            crafted.send(new PostureMessage(posture(CheckState.FAIL, CheckState.PASS)));

            FlowOpenException denied = openFails(crafted, "127.0.0.1", lab.ports.demoEcho());

            assertThat(denied.result()).isEqualTo(OpenResult.DENIED_BY_POLICY);
            assertThat(denied.getMessage()).isEqualTo("device posture does not meet rule "
                    + "by-address: requires firewall (device reports fail)");

            crafted.send(new PostureMessage(posture(CheckState.PASS, CheckState.PASS)));
            CompletableFuture<String> reset = new CompletableFuture<>();
            Stream stream = open(crafted, "127.0.0.1", lab.ports.demoEcho()).get();
            stream.listen(new ResetRecorder(reset));

            crafted.send(new PostureMessage(posture(CheckState.PASS, CheckState.FAIL)));

            assertThat(reset.get(5, TimeUnit.SECONDS)).isEqualTo(ErrorCode.POLICY_REVOKED
                    + ": policy revoked: device posture does not meet rule by-address: "
                    + "requires check edr-running (device reports fail)");
        }
    }

    @Test
    void userMissingFromDirectoryIsDisconnected() throws Exception {
        applyPolicy(BY_NAME, "", true);
        try (CraftedAgent carol = new CraftedAgent(lab, "carol@example.com", "carol-1");
                CraftedAgent dave = new CraftedAgent(lab, "dave@example.com", "dave-1")) {
            assertThat(dave.goAway.get(5, TimeUnit.SECONDS)).isEqualTo(ErrorCode.POLICY_REVOKED
                    + ": user dave@example.com is not in the directory");
            carol.next(SteeringPolicyMessage.class);

            applyPolicy(BY_NAME, "", false);

            assertThat(carol.goAway.get(5, TimeUnit.SECONDS)).isEqualTo(
                    ErrorCode.POLICY_REVOKED
                            + ": user carol@example.com was removed from the directory");
            assertThat(carol.next(NoticeMessage.class).text())
                    .isEqualTo("user carol@example.com was removed from the directory");
        }
    }

    @Test
    void reauthenticationAnsweredKeepsTheTunnel() throws Exception {
        applyPolicy(BY_NAME, "", true);
        try (CraftedAgent carol = new CraftedAgent(lab, "carol@example.com", "carol-2")) {
            for (int i = 0; i < 2; i++) {
                ReauthChallengeMessage challenge = carol.next(ReauthChallengeMessage.class);
                carol.send(new ReauthResponseMessage(challenge.nonce(),
                        ReauthProof.sign(carol.privateKey(), challenge.nonce()),
                        posture(CheckState.PASS, CheckState.PASS)));
            }
            carol.next(ReauthChallengeMessage.class);

            assertThat(carol.goAway).isNotDone();
            assertThat(carol.tunnel()).isNotNull();
        }
    }

    @Test
    void reauthenticationWithoutAnswerClosesTheTunnel() throws Exception {
        applyPolicy(BY_NAME, "", true);
        try (CraftedAgent carol = new CraftedAgent(lab, "carol@example.com", "carol-3")) {
            carol.next(ReauthChallengeMessage.class);

            assertThat(carol.goAway.get(5, TimeUnit.SECONDS)).isEqualTo(ErrorCode.POLICY_REVOKED
                    + ": re-authentication failed: no answer to the re-authentication "
                    + "challenge within 300 ms");
        }
    }

    @Test
    void reauthenticationWithAnotherKeyClosesTheTunnel() throws Exception {
        applyPolicy(BY_NAME, "", true);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        try (CraftedAgent carol = new CraftedAgent(lab, "carol@example.com", "carol-4")) {
            ReauthChallengeMessage challenge = carol.next(ReauthChallengeMessage.class);
            carol.send(new ReauthResponseMessage(challenge.nonce(),
                    ReauthProof.sign(generator.generateKeyPair().getPrivate(), challenge.nonce()),
                    posture(CheckState.PASS, CheckState.PASS)));

            assertThat(carol.goAway.get(5, TimeUnit.SECONDS))
                    .startsWith(ErrorCode.POLICY_REVOKED + ": re-authentication failed: the "
                            + "signature does not verify with the key of certificate serial 0x");
        }
    }

    @Test
    void realAgentReportsPostureAndAnswersReauthentication() throws Exception {
        applyPolicy(BY_NAME, "", false,
                "    - {group: engineering, interval: 1s, grace: 5s}\n");
        // A crafted agent of an earlier test may still be closing at the client gateway.
        InProcessLab.await(() -> lab.clientGateway.agentTunnels().size() == 1,
                "only the lab's agent connected");
        Tunnel agentTunnel = lab.clientGateway.agentTunnels().get(0);
        String hostName = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        InProcessLab.await(() -> lab.clientGateway.agentSessions().stream().anyMatch(
                session -> session.agent().device().equals(LabState.DEVICE)
                        && session.posture().hostName().equals(hostName)),
                "the gateway holds the real agent's posture");

        String first = awaitLastReauth(null);
        String second = awaitLastReauth(first);

        assertThat(second).isNotEqualTo(first);
        assertThat(lab.clientGateway.agentTunnels()).containsExactly(agentTunnel);
        applyPolicy(BY_NAME, "", false);
    }

    /** Waits for the agent's status to show a re-authentication other than {@code previous}. */
    private static String awaitLastReauth(String previous) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + lab.agent.adminAddress().getPort()
                + "/status");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode status = new ObjectMapper().readTree(client.send(
                    HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String last = status.path("lastReauth").isNull() ? null
                    : status.path("lastReauth").asText();
            if (last != null && !last.equals(previous)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no re-authentication after " + previous + " within 10 s");
    }

    @Test
    void blockWithNotifyShowsInAgentStatus() throws Exception {
        applyPolicy(BY_NAME, "", false);
        try (Socks5Client.Connection blocked = Socks5Client.connect(lab.socks(),
                "ssh.corp.internal", 22)) {
            assertThat(blocked.reply()).isEqualTo(0x02);
        }
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new ClientAgentCommand())
                .setOut(new PrintWriter(out, true));

        int exit = command.execute("status", "--admin",
                "127.0.0.1:" + lab.agent.adminAddress().getPort());

        assertThat(exit).isEqualTo(0);
        assertThat(out.toString()).contains("tunnel: up").containsPattern(
                "\\[agent\\] access to ssh.corp.internal:22 is blocked by rule no-ssh "
                        + "\\(rule no-ssh\\)");
    }

    @Test
    void revokedCertificateFailsReauthentication() throws Exception {
        applyPolicy(BY_NAME, "", true);
        Path certs = lab.state.dir().resolve("certs");
        CertificateAuthority ca = CertificateAuthority.load(certs.resolve("ca.pem"),
                certs.resolve("ca-key.pem"));
        try (CraftedAgent carol = new CraftedAgent(lab, "carol@example.com", "carol-5")) {
            new CrlFile(certs.resolve("crl.pem"), ca).revoke(carol.certificate(),
                    CRLReason.KEY_COMPROMISE, Duration.ofDays(1));
            String serial = carol.certificate().getSerialNumber().toString(16);

            // The gateway's list reloads at most once a second, so answer until it notices.
            for (int i = 0; i < 5 && !carol.goAway.isDone(); i++) {
                ReauthChallengeMessage challenge = carol.next(ReauthChallengeMessage.class);
                carol.send(new ReauthResponseMessage(challenge.nonce(),
                        ReauthProof.sign(carol.privateKey(), challenge.nonce()),
                        posture(CheckState.PASS, CheckState.PASS)));
                try {
                    carol.goAway.get(1500, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillUp) {
                    // The next challenge comes within the interval; answer it too.
                }
            }

            assertThat(carol.goAway.get()).matches(ErrorCode.POLICY_REVOKED
                    + ": re-authentication failed: certificate serial 0x(?i)0*" + serial
                    + " \\(spiffe://ztna.lab/user/carol@example.com/device/carol-5\\) was "
                    + "revoked at .* \\(key-compromise\\)");
        }
    }

    private static DevicePosture posture(CheckState firewall, CheckState edr) {
        return new DevicePosture("Debian GNU/Linux", "12", "0.1.0", "crafted", CheckState.PASS,
                firewall, CheckState.UNKNOWN, Map.of("edr-running", edr));
    }

    private static Future<Stream> open(CraftedAgent agent, String host, int port) {
        return agent.tunnel().open(FlowMetadata.tcp(host, port));
    }

    private static FlowOpenException openFails(CraftedAgent agent, String host, int port)
            throws InterruptedException {
        Future<Stream> opened = open(agent, host, port);
        assertThat(opened.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(opened.cause()).isInstanceOf(FlowOpenException.class);
        return (FlowOpenException) opened.cause();
    }

    /** Completes with {@code CODE: reason} when the stream is reset; drops data. */
    private record ResetRecorder(CompletableFuture<String> reset) implements StreamListener {

        @Override
        public void onData(Stream stream, ByteBuf data) {
            int length = data.readableBytes();
            data.release();
            stream.consumed(length);
        }

        @Override
        public void onFin(Stream stream) {
        }

        @Override
        public void onReset(Stream stream, ErrorCode code, String reason) {
            reset.complete(code + ": " + reason);
        }
    }
}
