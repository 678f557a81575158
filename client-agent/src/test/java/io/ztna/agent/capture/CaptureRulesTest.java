package io.ztna.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ztna.proto.policy.AppProtocol;
import io.ztna.proto.policy.HostPattern;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.policy.SteeringPolicy.SteeredApp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule lifecycle against a recording firewall: install, updates, failures, removal. */
class CaptureRulesTest {

    private static final List<HostPattern> STUBS = List.of(HostPattern.parse("100.64.0.0/10"));
    private static final InetSocketAddress LISTEN = new InetSocketAddress("127.0.0.1", 15001);

    /** Records each call; fails the next call while {@code failNext} is set. */
    private static final class RecordingRuleset implements RedirectRuleset {

        final List<String> calls = new ArrayList<>();
        volatile boolean failNext;

        @Override
        public String name() {
            return "test";
        }

        @Override
        public synchronized void replace(List<RedirectRule> rules, String listenAddress,
                int port) throws IOException {
            check();
            calls.add("replace " + rules.stream().map(RedirectRule::network).toList() + " "
                    + listenAddress + ":" + port);
        }

        @Override
        public synchronized void remove() throws IOException {
            check();
            calls.add("remove");
        }

        private void check() throws IOException {
            if (failNext) {
                failNext = false;
                throw new IOException("nft -f - failed with exit code 1: test failure");
            }
        }
    }

    private static SteeringPolicy policy(long version, String... hosts) {
        List<HostPattern> patterns = new ArrayList<>();
        for (String host : hosts) {
            patterns.add(HostPattern.parse(host));
        }
        return new SteeringPolicy(version, List.of(new SteeredApp("app", patterns,
                List.of(AppProtocol.parse("tcp:443")), false)), List.of());
    }

    @Test
    void installThenUpdateThenRemove() throws Exception {
        RecordingRuleset ruleset = new RecordingRuleset();
        CaptureRules rules = new CaptureRules(ruleset, STUBS, LISTEN);

        rules.install(null);
        rules.update(policy(2, "10.20.0.0/16"));
        rules.close();

        assertThat(ruleset.calls).containsExactly(
                "replace [100.64.0.0/10] 127.0.0.1:15001",
                "replace [100.64.0.0/10, 10.20.0.0/16] 127.0.0.1:15001",
                "remove");
        assertThat(rules.state()).isEqualTo("removed");
        assertThat(rules.destinations()).isZero();
    }

    @Test
    void policyWithSameRulesLeavesRules() throws Exception {
        RecordingRuleset ruleset = new RecordingRuleset();
        CaptureRules rules = new CaptureRules(ruleset, STUBS, LISTEN);

        rules.install(policy(1, "10.20.0.0/16"));
        rules.update(policy(2, "10.20.0.0/16", "intranet.corp.internal"));
        rules.close();

        assertThat(ruleset.calls).containsExactly(
                "replace [100.64.0.0/10, 10.20.0.0/16] 127.0.0.1:15001", "remove");
    }

    @Test
    void failedInstallThrowsAndRecordsState() {
        RecordingRuleset ruleset = new RecordingRuleset();
        ruleset.failNext = true;
        CaptureRules rules = new CaptureRules(ruleset, STUBS, LISTEN);

        assertThatThrownBy(() -> rules.install(null)).isInstanceOf(IOException.class)
                .hasMessage("nft -f - failed with exit code 1: test failure");
        assertThat(rules.state())
                .isEqualTo("failed: nft -f - failed with exit code 1: test failure");
        rules.close();
        assertThat(ruleset.calls).isEmpty();
    }

    @Test
    void failedUpdateKeepsPreviousRules() throws Exception {
        RecordingRuleset ruleset = new RecordingRuleset();
        CaptureRules rules = new CaptureRules(ruleset, STUBS, LISTEN);
        rules.install(null);
        ruleset.failNext = true;

        rules.update(policy(2, "10.20.0.0/16"));
        rules.close();

        assertThat(ruleset.calls).containsExactly(
                "replace [100.64.0.0/10] 127.0.0.1:15001", "remove");
        assertThat(rules.state()).isEqualTo("removed");
    }
}
