package io.ztna.proto.policy;

import static io.ztna.proto.policy.Apps.app;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

    private static final App WIKI = app("wiki", "wiki.corp.internal", "tcp:443");
    private static final App SSH = app("ssh", "*.lab.internal", "tcp:22");
    private static final App DB = app("db", "db.corp.internal", "tcp:5432");
    private static final List<User> USERS = List.of(
            new User("alice@example.com", List.of("engineering")),
            new User("bob@example.com", List.of("sales")));

    private static Rule allow(String name, List<String> users, List<String> groups,
            boolean everyone, String... apps) {
        return new Rule(name, Rule.Action.ALLOW, users, groups, everyone, List.of(apps));
    }

    private static Rule block(String name, List<String> users, List<String> groups,
            boolean everyone, String... apps) {
        return new Rule(name, Rule.Action.BLOCK, users, groups, everyone, List.of(apps));
    }

    private static PolicyEngine engine(List<Rule> rules) {
        return new PolicyEngine(new AppCatalog(List.of(WIKI, SSH, DB)), USERS, rules, 7);
    }

    @Test
    void noRuleMeansDeny() {
        Decision decision = engine(List.of()).evaluate("alice@example.com", WIKI);

        assertThat(decision.verdict()).isEqualTo(Decision.Verdict.DENY);
        assertThat(decision.rule()).isNull();
        assertThat(decision.reason())
                .isEqualTo("no rule allows user alice@example.com to reach app wiki");
    }

    @Test
    void groupRuleAllowsMember() {
        PolicyEngine engine = engine(List.of(
                allow("eng", List.of(), List.of("engineering"), false, "ssh")));

        Decision alice = engine.evaluate("alice@example.com", SSH);
        Decision bob = engine.evaluate("bob@example.com", SSH);

        assertThat(alice.allowed()).isTrue();
        assertThat(alice.rule()).isEqualTo("eng");
        assertThat(alice.reason()).isEqualTo("allowed by rule eng");
        assertThat(bob.allowed()).isFalse();
        assertThat(engine.evaluate("alice@example.com", WIKI).allowed()).isFalse();
    }

    @Test
    void blockBeatsAllowInEitherOrder() {
        Rule allow = allow("eng", List.of(), List.of("engineering"), false, "ssh", "wiki");
        Rule block = block("no-ssh", List.of("alice@example.com"), List.of(), false, "ssh");

        for (List<Rule> rules : List.of(List.of(allow, block), List.of(block, allow))) {
            Decision decision = engine(rules).evaluate("alice@example.com", SSH);

            assertThat(decision.verdict()).isEqualTo(Decision.Verdict.DENY);
            assertThat(decision.rule()).isEqualTo("no-ssh");
            assertThat(decision.reason()).isEqualTo("blocked by rule no-ssh");
            assertThat(engine(rules).evaluate("alice@example.com", WIKI).allowed()).isTrue();
        }
    }

    @Test
    void decidingRuleIsFirstByName() {
        Rule zeta = allow("zeta", List.of(), List.of(), true, "wiki");
        Rule alpha = allow("alpha", List.of("alice@example.com"), List.of(), false, "wiki");
        List<Rule> rules = new ArrayList<>(List.of(zeta, alpha));

        assertThat(engine(rules).evaluate("alice@example.com", WIKI).rule()).isEqualTo("alpha");
        assertThat(engine(List.of(alpha, zeta)).evaluate("alice@example.com", WIKI).rule())
                .isEqualTo("alpha");
    }

    @Test
    void unknownUserMatchesOnlyEveryone() {
        PolicyEngine engine = engine(List.of(
                allow("all-wiki", List.of(), List.of(), true, "wiki"),
                allow("eng", List.of("mallory@example.com"), List.of("engineering"), false,
                        "ssh")));

        assertThat(engine.evaluate("mallory@example.com", WIKI).allowed()).isTrue();
        assertThat(engine.evaluate("mallory@example.com", Set.of("engineering"), SSH).allowed())
                .isFalse();
    }

    @Test
    void extraGroupsCountForKnownUser() {
        PolicyEngine engine = engine(List.of(
                allow("eng", List.of(), List.of("engineering"), false, "ssh")));

        assertThat(engine.evaluate("bob@example.com", SSH).allowed()).isFalse();
        assertThat(engine.evaluate("bob@example.com", Set.of("engineering"), SSH).allowed())
                .isTrue();
    }

    @Test
    void everyoneBlockAppliesToUnknownUser() {
        PolicyEngine engine = engine(List.of(
                allow("all-db", List.of(), List.of(), true, "db"),
                block("no-db", List.of(), List.of(), true, "db")));

        assertThat(engine.evaluate("nobody@example.com", DB).rule()).isEqualTo("no-db");
        assertThat(engine.evaluate("nobody@example.com", DB).allowed()).isFalse();
    }
}
