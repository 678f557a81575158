package io.ztna.proto.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.frame.Protocol;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

    private static final App INTRANET = app("intranet", "intranet.corp.internal", "tcp:443");
    private static final App SSH = app("ssh", "*.ssh.corp.internal", "tcp:22");
    private static final User ALICE = new User("alice@example.com", Set.of("engineering"));

    private static App app(String name, String host, String protocol) {
        return new App(name, List.of(HostPattern.parse(host)),
                List.of(AppProtocol.parse(protocol)), List.of("pub-1"), false);
    }

    private static Rule rule(String name, String action, Set<String> users, Set<String> groups,
            boolean everyone, String... apps) {
        return new Rule(name, action, users, groups, everyone, List.of(apps));
    }

    private static PolicyEngine engine(Rule... rules) {
        return new PolicyEngine(new AppCatalog(List.of(INTRANET, SSH)), List.of(ALICE),
                List.of(rules), 7);
    }

    @Test
    void noRuleMeansDeny() {
        PolicyDecision decision = engine().evaluate("alice@example.com", INTRANET);

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.rule()).isNull();
        assertThat(decision.reason())
                .isEqualTo("no rule allows user alice@example.com to reach app intranet");
    }

    @Test
    void groupRuleAllows() {
        PolicyDecision decision = engine(rule("eng", "allow", null, Set.of("engineering"), false,
                "intranet")).evaluate("alice@example.com", INTRANET);

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.rule()).isEqualTo("eng");
    }

    @Test
    void blockBeatsAllowInEitherOrder() {
        Rule allow = rule("everyone-ssh", "allow", null, null, true, "ssh");
        Rule block = rule("no-ssh", "block", Set.of("alice@example.com"), null, false, "ssh");

        for (PolicyEngine engine : List.of(engine(allow, block), engine(block, allow))) {
            PolicyDecision decision = engine.evaluate("alice@example.com", SSH);
            assertThat(decision.allowed()).isFalse();
            assertThat(decision.rule()).isEqualTo("no-ssh");
            assertThat(decision.reason()).isEqualTo("blocked by rule no-ssh");
        }
    }

    @Test
    void unknownUserMatchesOnlyEveryone() {
        PolicyEngine engine = engine(
                rule("eng", "allow", null, Set.of("engineering"), false, "ssh"),
                rule("all", "allow", null, null, true, "intranet"));

        assertThat(engine.evaluate("bob@example.com", SSH).allowed()).isFalse();
        assertThat(engine.evaluate("bob@example.com", INTRANET).allowed()).isTrue();
    }

    @Test
    void steeringPolicyListsAllowedAndBlocked() {
        SteeringPolicy policy = engine(
                rule("all", "allow", null, null, true, "intranet", "ssh"),
                rule("no-ssh", "block", Set.of("alice@example.com"), null, false, "ssh"))
                .steeringPolicyFor("alice@example.com");

        assertThat(policy.version()).isEqualTo(7);
        assertThat(policy.apps()).extracting(SteeringPolicy.SteeredApp::name)
                .containsExactly("intranet");
        assertThat(policy.blocked()).extracting(SteeringPolicy.SteeredApp::name)
                .containsExactly("ssh");
        assertThat(policy.steer("INTRANET.corp.internal.", Protocol.TCP, 443))
                .isEqualTo(SteeringPolicy.Steering.STEER);
        assertThat(policy.steer("intranet.corp.internal", Protocol.TCP, 80))
                .isEqualTo(SteeringPolicy.Steering.NOT_COVERED);
        assertThat(policy.steer("a.b.ssh.corp.internal", Protocol.TCP, 22))
                .isEqualTo(SteeringPolicy.Steering.BLOCKED);
        assertThat(policy.steer("ssh.corp.internal", Protocol.TCP, 22))
                .isEqualTo(SteeringPolicy.Steering.NOT_COVERED);
    }
}
