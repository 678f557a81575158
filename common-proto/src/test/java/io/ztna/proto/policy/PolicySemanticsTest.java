package io.ztna.proto.policy;

import static io.ztna.proto.policy.Apps.app;
import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.frame.Protocol;
import io.ztna.proto.policy.SteeringPolicy.SteeredApp;
import io.ztna.proto.posture.CheckState;
import io.ztna.proto.posture.DevicePosture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How rules combine: subjects by user, group, unit and everyone, block over allow whatever the
 * order, posture conditions, notices, the steering policy, explanations and re-authentication.
 */
class PolicySemanticsTest {

    private static final App WIKI = app("wiki", "wiki.corp.internal", "tcp:443");
    private static final App GIT = app("git", "git.corp.internal", "tcp:22,tcp:443");
    private static final App CRM = app("crm", "crm.corp.internal", "tcp:443");
    private static final App PORTAL = app("portal", "portal.corp.internal", "tcp:443");
    private static final App SSH = app("ssh", "*.ssh.corp.internal", "tcp:22");
    private static final App PAYROLL = app("payroll", "payroll.corp.internal", "tcp:443");
    private static final AppCatalog CATALOG =
            new AppCatalog(List.of(WIKI, GIT, CRM, PORTAL, SSH, PAYROLL));

    private static final String ALICE = "alice@example.com";
    private static final String BOB = "bob@example.com";
    private static final String CAROL = "carol@example.com";
    private static final String DAVE = "dave@example.com";
    private static final String ERIN = "erin@example.com";
    private static final String MALLORY = "mallory@example.com";

    /** The directory; mallory is not in it. */
    private static final List<User> USERS = List.of(
            new User(ALICE, List.of("engineering"), "/corp/eng/platform"),
            new User(BOB, List.of("contractors"), "/corp/engineering"),
            new User(CAROL, List.of("sales"), "/corp"),
            new User(DAVE, List.of("engineering", "contractors"), "/corp/eng"),
            new User(ERIN, List.of(), "/Corp/ENG/Platform/Tools"));

    private static PolicyEngine engine(List<Rule> rules) {
        return new PolicyEngine(CATALOG, USERS, rules, 7);
    }

    private static Rule rule(String name, Rule.Action action, List<String> users,
            List<String> groups, List<String> ous, boolean everyone, List<String> apps) {
        return new Rule(name, action, users, groups, ous, everyone, apps, null, false);
    }

    private static Rule withPosture(Rule rule, PostureRequirement posture) {
        return new Rule(rule.name(), rule.action(), rule.users(), rule.groups(), rule.ous(),
                rule.everyone(), rule.apps(), posture, rule.notifyUser());
    }

    private static Rule withNotify(Rule rule) {
        return new Rule(rule.name(), rule.action(), rule.users(), rule.groups(), rule.ous(),
                rule.everyone(), rule.apps(), rule.posture(), true);
    }

    private static PostureRequirement requireFirewall() {
        return new PostureRequirement(false, true, false, null, null, null);
    }

    private static DevicePosture posture(CheckState disk, CheckState firewall,
            Map<String, CheckState> checks, String osName, String agentVersion) {
        return new DevicePosture(osName, "12", agentVersion, "laptop-1", disk, firewall,
                CheckState.UNKNOWN, checks);
    }

    private static DevicePosture firewall(CheckState state) {
        return posture(CheckState.UNKNOWN, state, Map.of(), "Debian GNU/Linux", "0.1.0");
    }

    private static List<String> names(List<SteeredApp> entries) {
        return entries.stream().map(SteeredApp::name).toList();
    }

    // Subjects and the steering policy.

    private static final List<Rule> SUBJECT_RULES = List.of(
            rule("user-crm", Rule.Action.ALLOW, List.of(CAROL, MALLORY), List.of(), List.of(),
                    false, List.of("crm")),
            rule("group-git", Rule.Action.ALLOW, List.of(), List.of("engineering"), List.of(),
                    false, List.of("git")),
            rule("ou-wiki", Rule.Action.ALLOW, List.of(), List.of(), List.of("/corp/eng"),
                    false, List.of("wiki")),
            rule("everyone-portal", Rule.Action.ALLOW, List.of(), List.of(), List.of(), true,
                    List.of("portal")));

    static Stream<Arguments> steeredAppsByUser() {
        return Stream.of(
                Arguments.of(ALICE, List.of("wiki", "git", "portal")),
                Arguments.of(BOB, List.of("portal")),
                Arguments.of(CAROL, List.of("crm", "portal")),
                Arguments.of(DAVE, List.of("wiki", "git", "portal")),
                Arguments.of(ERIN, List.of("wiki", "portal")),
                Arguments.of(MALLORY, List.of("portal")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("steeredAppsByUser")
    void steeringPolicyListsEveryAllowedApp(String user, List<String> expected) {
        PolicyEngine engine = engine(SUBJECT_RULES);

        SteeringPolicy srp = engine.steeringPolicyFor(user);
        List<String> allowed = CATALOG.apps().stream()
                .filter(app -> engine.evaluate(user, app).allowed()).map(App::name).toList();

        assertThat(names(srp.apps())).isEqualTo(expected);
        assertThat(allowed).isEqualTo(expected);
        assertThat(srp.blocked()).isEmpty();
        assertThat(srp.version()).isEqualTo(7);
    }

    @ParameterizedTest(name = "rule ou {0}, user ou {1} -> {2}")
    @CsvSource({
        "/corp/eng, /corp/eng/platform, true",
        "/corp/eng, /corp/eng, true",
        "/corp/eng, /corp/eng/platform/tools, true",
        "/corp/eng, /corp/engineering, false",
        "/corp/eng, /corp, false",
        "/corp/eng, /sales/corp/eng, false",
        "/corp/eng, /Corp/ENG/platform, true",
        "/Corp/Eng, /corp/eng/platform, true",
        "/, /corp, true",
        "/corp/eng, , false",
    })
    void unitRuleCoversUnitAndBelow(String ruleUnit, String userUnit, boolean applies) {
        PolicyEngine engine = new PolicyEngine(CATALOG,
                List.of(new User(ALICE, List.of(), userUnit)),
                List.of(rule("by-unit", Rule.Action.ALLOW, List.of(), List.of(),
                        List.of(ruleUnit), false, List.of("wiki"))), 7);

        Decision decision = engine.evaluate(ALICE, WIKI);

        assertThat(decision.allowed()).isEqualTo(applies);
        assertThat(decision.reason()).isEqualTo(applies ? "allowed by rule by-unit"
                : "no rule allows user alice@example.com to reach app wiki");
    }

    @Test
    void unknownUserGetsOnlyEveryoneRules() {
        PolicyEngine engine = engine(SUBJECT_RULES);

        Decision crm = engine.evaluate(MALLORY, Set.of("engineering"), CRM);
        Decision git = engine.evaluate(MALLORY, Set.of("engineering"), GIT);
        Decision portal = engine.evaluate(MALLORY, PORTAL);

        assertThat(engine.knows(MALLORY)).isFalse();
        assertThat(crm.reason())
                .isEqualTo("no rule allows user mallory@example.com to reach app crm");
        assertThat(git.reason())
                .isEqualTo("no rule allows user mallory@example.com to reach app git");
        assertThat(portal.reason()).isEqualTo("allowed by rule everyone-portal");
        assertThat(names(engine.steeringPolicyFor(MALLORY, Set.of("engineering")).apps()))
                .containsExactly("portal");
    }

    // Block beats allow, whatever the order of rules.

    private static final List<Rule> CONFLICTING_RULES = List.of(
            rule("allow-eng", Rule.Action.ALLOW, List.of(), List.of("engineering"), List.of(),
                    false, List.of("ssh", "wiki", "git")),
            rule("allow-all", Rule.Action.ALLOW, List.of(), List.of(), List.of(), true,
                    List.of("wiki")),
            withNotify(rule("block-alice-ssh", Rule.Action.BLOCK, List.of(ALICE), List.of(),
                    List.of(), false, List.of("ssh"))),
            rule("block-contractors", Rule.Action.BLOCK, List.of(), List.of("contractors"),
                    List.of(), false, List.of("wiki", "git")),
            rule("allow-ou", Rule.Action.ALLOW, List.of(), List.of(), List.of("/corp/eng"),
                    false, List.of("ssh")));

    /** The decision per user and app that every order of the rules must give. */
    private static final Map<String, Map<App, Decision>> EXPECTED = Map.of(
            ALICE, Map.of(
                    SSH, new Decision(Decision.Verdict.DENY, "block-alice-ssh",
                            "blocked by rule block-alice-ssh", true),
                    WIKI, new Decision(Decision.Verdict.ALLOW, "allow-all",
                            "allowed by rule allow-all", false),
                    GIT, new Decision(Decision.Verdict.ALLOW, "allow-eng",
                            "allowed by rule allow-eng", false)),
            BOB, Map.of(
                    SSH, new Decision(Decision.Verdict.DENY, null,
                            "no rule allows user bob@example.com to reach app ssh", false),
                    WIKI, new Decision(Decision.Verdict.DENY, "block-contractors",
                            "blocked by rule block-contractors", false),
                    GIT, new Decision(Decision.Verdict.DENY, "block-contractors",
                            "blocked by rule block-contractors", false)),
            DAVE, Map.of(
                    SSH, new Decision(Decision.Verdict.ALLOW, "allow-eng",
                            "allowed by rule allow-eng", false),
                    WIKI, new Decision(Decision.Verdict.DENY, "block-contractors",
                            "blocked by rule block-contractors", false),
                    GIT, new Decision(Decision.Verdict.DENY, "block-contractors",
                            "blocked by rule block-contractors", false)),
            CAROL, Map.of(
                    SSH, new Decision(Decision.Verdict.DENY, null,
                            "no rule allows user carol@example.com to reach app ssh", false),
                    WIKI, new Decision(Decision.Verdict.ALLOW, "allow-all",
                            "allowed by rule allow-all", false),
                    GIT, new Decision(Decision.Verdict.DENY, null,
                            "no rule allows user carol@example.com to reach app git", false)),
            MALLORY, Map.of(
                    SSH, new Decision(Decision.Verdict.DENY, null,
                            "no rule allows user mallory@example.com to reach app ssh", false),
                    WIKI, new Decision(Decision.Verdict.ALLOW, "allow-all",
                            "allowed by rule allow-all", false),
                    GIT, new Decision(Decision.Verdict.DENY, null,
                            "no rule allows user mallory@example.com to reach app git",
                            false)));

    /** Returns every order of {@link #CONFLICTING_RULES}: 5! = 120 lists. */
    static Stream<List<Rule>> ruleOrders() {
        List<List<Rule>> orders = new ArrayList<>();
        permute(new ArrayList<>(), new ArrayList<>(CONFLICTING_RULES), orders);
        return orders.stream();
    }

    private static void permute(List<Rule> prefix, List<Rule> rest, List<List<Rule>> out) {
        if (rest.isEmpty()) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int i = 0; i < rest.size(); i++) {
            List<Rule> remaining = new ArrayList<>(rest);
            prefix.add(remaining.remove(i));
            permute(prefix, remaining, out);
            prefix.remove(prefix.size() - 1);
        }
    }

    @Test
    void everyRuleOrderIsListed() {
        assertThat(ruleOrders().distinct().count()).isEqualTo(120);
    }

    @ParameterizedTest(name = "order {index}")
    @MethodSource("ruleOrders")
    void blockBeatsAllowInEveryOrder(List<Rule> rules) {
        PolicyEngine engine = engine(rules);
        PolicyEngine reference = engine(CONFLICTING_RULES);

        for (Map.Entry<String, Map<App, Decision>> user : EXPECTED.entrySet()) {
            for (Map.Entry<App, Decision> app : user.getValue().entrySet()) {
                assertThat(engine.evaluate(user.getKey(), app.getKey()))
                        .as("%s -> %s", user.getKey(), app.getKey().name())
                        .isEqualTo(app.getValue());
            }
            assertThat(engine.steeringPolicyFor(user.getKey()))
                    .as("steering policy of %s", user.getKey())
                    .isEqualTo(reference.steeringPolicyFor(user.getKey()));
        }
    }

    // Posture conditions.

    @ParameterizedTest(name = "firewall {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "unknown | device posture does not meet rule wiki-managed: requires firewall "
                + "(device reports unknown)",
        "fail | device posture does not meet rule wiki-managed: requires firewall "
                + "(device reports fail)",
        "pass | allowed by rule wiki-managed",
    })
    void postureGatedAllowNamesCondition(String firewall, String reason) {
        PolicyEngine engine = engine(List.of(withPosture(rule("wiki-managed",
                Rule.Action.ALLOW, List.of(), List.of("engineering"), List.of(), false,
                List.of("wiki")), requireFirewall())));
        Principal alice = engine.principal(ALICE, Set.of(),
                firewall(CheckState.parse(firewall)));

        Decision decision = engine.evaluate(alice, WIKI);

        assertThat(decision.reason()).isEqualTo(reason);
        assertThat(decision.allowed()).isEqualTo(firewall.equals("pass"));
        assertThat(decision.rule()).isEqualTo("wiki-managed");
        assertThat(decision.notifyUser()).isFalse();
    }

    @Test
    void postureOfNoReportIsUnknown() {
        PolicyEngine engine = engine(List.of(withPosture(rule("wiki-managed",
                Rule.Action.ALLOW, List.of(), List.of("engineering"), List.of(), false,
                List.of("wiki")), requireFirewall())));

        Decision decision = engine.evaluate(ALICE, WIKI);

        assertThat(decision.reason()).isEqualTo("device posture does not meet rule "
                + "wiki-managed: requires firewall (device reports unknown)");
    }

    @Test
    void postureNotConsideredCountsAsMet() {
        PolicyEngine engine = engine(List.of(withPosture(rule("wiki-managed",
                Rule.Action.ALLOW, List.of(), List.of("engineering"), List.of(), false,
                List.of("wiki")), requireFirewall())));

        Decision decision = engine.evaluate(engine.principal(ALICE, Set.of(), null), WIKI);

        assertThat(decision.reason()).isEqualTo("allowed by rule wiki-managed");
    }

    static Stream<Arguments> postureConditions() {
        Map<String, CheckState> edr = Map.of("edr-running", CheckState.PASS);
        String debian = "Debian GNU/Linux";
        String prefix = "device posture does not meet rule strict: requires ";
        return Stream.of(
                Arguments.of(posture(CheckState.PASS, CheckState.PASS, edr, debian, "0.2.0"),
                        "allowed by rule strict"),
                Arguments.of(posture(CheckState.PASS, CheckState.PASS, edr, "debian gnu/linux",
                        "0.2"), "allowed by rule strict"),
                Arguments.of(posture(CheckState.PASS, CheckState.PASS, edr, debian, "0.10.0"),
                        "allowed by rule strict"),
                Arguments.of(posture(CheckState.FAIL, CheckState.UNKNOWN, edr, debian, "0.2.0"),
                        prefix + "diskEncryption (device reports fail)"),
                Arguments.of(posture(CheckState.PASS, CheckState.PASS, Map.of(), debian,
                        "0.2.0"), prefix + "check edr-running (device reports unknown)"),
                Arguments.of(posture(CheckState.PASS, CheckState.PASS,
                        Map.of("edr-running", CheckState.FAIL), debian, "0.2.0"),
                        prefix + "check edr-running (device reports fail)"),
                Arguments.of(posture(CheckState.PASS, CheckState.PASS, edr, "Ubuntu", "0.2.0"),
                        prefix + "os in [Debian GNU/Linux] (device reports 'Ubuntu')"),
                Arguments.of(posture(CheckState.PASS, CheckState.PASS, edr, debian, "0.1.9"),
                        prefix + "minAgentVersion 0.2.0 (device reports '0.1.9')"),
                Arguments.of(posture(CheckState.PASS, CheckState.PASS, edr, debian, "dev"),
                        prefix + "minAgentVersion 0.2.0 (device reports 'dev')"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("postureConditions")
    void firstUnmetConditionIsNamed(DevicePosture posture, String reason) {
        PostureRequirement strict = new PostureRequirement(true, true, false,
                List.of("edr-running"), List.of("Debian GNU/Linux"), "0.2.0");
        PolicyEngine engine = engine(List.of(withPosture(rule("strict", Rule.Action.ALLOW,
                List.of(ALICE), List.of(), List.of(), false, List.of("wiki")), strict)));

        Decision decision = engine.evaluate(engine.principal(ALICE, Set.of(), posture), WIKI);

        assertThat(decision.reason()).isEqualTo(reason);
    }

    @Test
    void ungatedAllowBeatsUnmetPosture() {
        PolicyEngine engine = engine(List.of(
                withPosture(rule("a-managed", Rule.Action.ALLOW, List.of(), List.of(),
                        List.of(), true, List.of("wiki")), requireFirewall()),
                rule("b-plain", Rule.Action.ALLOW, List.of(ALICE), List.of(), List.of(), false,
                        List.of("wiki"))));

        Decision decision = engine.evaluate(ALICE, WIKI);

        assertThat(decision.reason()).isEqualTo("allowed by rule b-plain");
    }

    // Notices and the blocked list of the steering policy.

    @Test
    void blockWithNotifyIsInBlockedList() {
        PolicyEngine engine = engine(List.of(
                rule("allow-eng", Rule.Action.ALLOW, List.of(), List.of("engineering"),
                        List.of(), false, List.of("ssh", "git", "wiki")),
                withNotify(rule("no-ssh", Rule.Action.BLOCK, List.of(), List.of(), List.of(),
                        true, List.of("ssh"))),
                rule("no-git", Rule.Action.BLOCK, List.of(ALICE), List.of(), List.of(), false,
                        List.of("git"))));

        Decision ssh = engine.evaluate(ALICE, SSH);
        Decision git = engine.evaluate(ALICE, GIT);
        SteeringPolicy srp = engine.steeringPolicyFor(ALICE);

        assertThat(ssh).isEqualTo(new Decision(Decision.Verdict.DENY, "no-ssh",
                "blocked by rule no-ssh", true));
        assertThat(git).isEqualTo(new Decision(Decision.Verdict.DENY, "no-git",
                "blocked by rule no-git", false));
        assertThat(names(srp.apps())).containsExactly("wiki");
        assertThat(srp.blocked()).containsExactly(
                SteeredApp.blocked(GIT, "no-git", false),
                SteeredApp.blocked(SSH, "no-ssh", true));
        assertThat(srp.entryFor("a.ssh.corp.internal", Protocol.TCP, 22))
                .isEqualTo(SteeredApp.blocked(SSH, "no-ssh", true));
        assertThat(srp.covers("a.ssh.corp.internal", Protocol.TCP, 22))
                .isEqualTo(SteeringPolicy.Steering.BLOCKED);
    }

    @Test
    void postureGatedBlockIsNotInBlockedList() {
        PostureRequirement contractorDevice =
                new PostureRequirement(false, false, false, List.of("contractor-device"), null,
                        null);
        PolicyEngine engine = engine(List.of(
                rule("allow-payroll", Rule.Action.ALLOW, List.of(ALICE), List.of(), List.of(),
                        false, List.of("payroll")),
                withNotify(withPosture(rule("no-payroll-on-contractor-devices",
                        Rule.Action.BLOCK, List.of(), List.of(), List.of(), true,
                        List.of("payroll")), contractorDevice))));
        DevicePosture contractor = new DevicePosture("Debian GNU/Linux", "12", "0.1.0", "l",
                CheckState.PASS, CheckState.PASS, CheckState.PASS,
                Map.of("contractor-device", CheckState.PASS));

        SteeringPolicy srp = engine.steeringPolicyFor(ALICE);
        Decision onContractorDevice =
                engine.evaluate(engine.principal(ALICE, Set.of(), contractor), PAYROLL);
        Decision onOwnDevice = engine.evaluate(ALICE, PAYROLL);

        assertThat(srp.blocked()).isEmpty();
        assertThat(names(srp.apps())).containsExactly("payroll");
        assertThat(onContractorDevice).isEqualTo(new Decision(Decision.Verdict.DENY,
                "no-payroll-on-contractor-devices",
                "blocked by rule no-payroll-on-contractor-devices", true));
        assertThat(onOwnDevice.reason()).isEqualTo("allowed by rule allow-payroll");
    }

    // Explanations.

    private static PolicyEngine sshEngine() {
        return engine(List.of(
                rule("allow-eng", Rule.Action.ALLOW, List.of(), List.of("engineering"),
                        List.of(), false, List.of("ssh", "wiki")),
                withPosture(rule("allow-platform", Rule.Action.ALLOW, List.of(), List.of(),
                        List.of("/corp/eng/platform"), false, List.of("ssh")),
                        requireFirewall()),
                withNotify(rule("block-ssh", Rule.Action.BLOCK, List.of(ALICE), List.of(),
                        List.of(), false, List.of("ssh"))),
                rule("allow-crm", Rule.Action.ALLOW, List.of(), List.of(), List.of(), true,
                        List.of("crm"))));
    }

    @Test
    void explainTracesEveryRuleOfTheApp() {
        PolicyEngine engine = sshEngine();
        Principal alice = engine.principal(ALICE, Set.of(), firewall(CheckState.FAIL));

        Explanation explanation = engine.explain(alice, "a.ssh.corp.internal", Protocol.TCP, 22);

        assertThat(explanation.app()).isEqualTo("ssh");
        assertThat(explanation.decision()).isEqualTo(new Decision(Decision.Verdict.DENY,
                "block-ssh", "blocked by rule block-ssh", true));
        assertThat(explanation.rules()).containsExactly(
                new RuleTrace("allow-eng", Rule.Action.ALLOW, true, "matches group engineering"),
                new RuleTrace("allow-platform", Rule.Action.ALLOW, false,
                        "matches ou /corp/eng/platform but posture does not meet firewall "
                                + "(device reports fail)"),
                new RuleTrace("block-ssh", Rule.Action.BLOCK, true,
                        "matches user alice@example.com"));
        assertThat(explanation.steeringEntry()).isEqualTo(SteeredApp.blocked(SSH, "block-ssh",
                true));
        assertThat(explanation.steeringVersion()).isEqualTo(7);
    }

    @Test
    void explainShowsRulesThatDoNotApply() {
        PolicyEngine engine = sshEngine();
        Principal bob = engine.principal(BOB, Set.of(), null);

        Explanation explanation = engine.explain(bob, "a.ssh.corp.internal", Protocol.TCP, 22);

        assertThat(explanation.decision()).isEqualTo(new Decision(Decision.Verdict.DENY, null,
                "no rule allows user bob@example.com to reach app ssh", false));
        assertThat(explanation.rules()).containsExactly(
                new RuleTrace("allow-eng", Rule.Action.ALLOW, false,
                        "not a subject: the rule applies to groups [engineering]"),
                new RuleTrace("allow-platform", Rule.Action.ALLOW, false,
                        "not a subject: the rule applies to ous [/corp/eng/platform]"),
                new RuleTrace("block-ssh", Rule.Action.BLOCK, false,
                        "not a subject: the rule applies to users [alice@example.com]"));
        assertThat(explanation.steeringEntry()).isNull();
    }

    @Test
    void explainPostureMetAndSteeredEntry() {
        PolicyEngine engine = sshEngine();
        Principal dave = engine.principal(DAVE, Set.of(), firewall(CheckState.PASS));

        Explanation explanation = engine.explain(dave, "git.ssh.corp.internal", Protocol.TCP,
                22);

        assertThat(explanation.decision().reason()).isEqualTo("allowed by rule allow-eng");
        assertThat(explanation.rules()).extracting(RuleTrace::why).containsExactly(
                "matches group engineering",
                "not a subject: the rule applies to ous [/corp/eng/platform]",
                "not a subject: the rule applies to users [alice@example.com]");
        assertThat(explanation.steeringEntry()).isEqualTo(SteeredApp.of(SSH));
    }

    @Test
    void explainDestinationWithoutApp() {
        PolicyEngine engine = sshEngine();

        Explanation explanation = engine.explain(engine.principal(ALICE, Set.of()),
                "unknown.example", Protocol.UDP, 53);

        assertThat(explanation.app()).isNull();
        assertThat(explanation.decision()).isEqualTo(new Decision(Decision.Verdict.DENY, null,
                "no app covers udp unknown.example:53", false));
        assertThat(explanation.rules()).isEmpty();
        assertThat(explanation.steeringEntry()).isNull();
        assertThat(engine.explain(engine.principal(ALICE, Set.of()), "fd00::1", Protocol.TCP,
                22).decision().reason()).isEqualTo("no app covers tcp [fd00::1]:22");
    }

    // Re-authentication.

    private static final Reauthentication SCHEDULES = new Reauthentication(
            new Reauthentication.Schedule(Duration.ofHours(8), Duration.ofMinutes(5)),
            List.of(new Reauthentication.GroupSchedule("engineering", Duration.ofHours(4),
                            Duration.ofMinutes(5)),
                    new Reauthentication.GroupSchedule("contractors", Duration.ofHours(1),
                            Duration.ofMinutes(2)),
                    new Reauthentication.GroupSchedule("admins", Duration.ofMinutes(30),
                            Duration.ofMinutes(1))));

    @ParameterizedTest(name = "{0} -> {1} + {2}")
    @CsvSource({
        "alice@example.com, PT4H, PT5M",
        "bob@example.com, PT1H, PT2M",
        "dave@example.com, PT1H, PT2M",
        "carol@example.com, PT8H, PT5M",
        "mallory@example.com, PT8H, PT5M",
    })
    void shortestGroupScheduleWins(String user, Duration interval, Duration grace) {
        PolicyEngine engine = new PolicyEngine(CATALOG, USERS, List.of(), SCHEDULES, 7);

        Reauthentication.Schedule schedule =
                engine.reauthenticationFor(engine.principal(user, Set.of()));

        assertThat(schedule.interval()).isEqualTo(interval);
        assertThat(schedule.grace()).isEqualTo(grace);
    }

    @Test
    void defaultScheduleWithoutSection() {
        PolicyEngine engine = engine(List.of());

        Reauthentication.Schedule schedule =
                engine.reauthenticationFor(engine.principal(BOB, Set.of()));

        assertThat(schedule.interval()).isEqualTo(Duration.ofHours(12));
        assertThat(schedule.grace()).isEqualTo(Duration.ofMinutes(5));
    }
}
