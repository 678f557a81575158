package io.ztna.proto.policy;

import static io.ztna.proto.policy.Apps.app;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ztna.proto.frame.Protocol;
import io.ztna.proto.policy.SteeringPolicy.SteeredApp;
import io.ztna.proto.policy.SteeringPolicy.Steering;
import java.util.List;
import org.junit.jupiter.api.Test;

class SteeringPolicyTest {

    private static final App WIKI = app("wiki", "wiki.corp.internal", "tcp:443");
    private static final App LAB = app("lab", "*.lab.internal,10.20.0.0/16", "tcp:18000-18999");
    private static final App SSH = app("ssh", "*.lab.internal,10.20.0.0/16", "tcp:22");
    private static final App DB = app("db", "db.corp.internal", "tcp:5432");

    private static PolicyEngine engine() {
        List<Rule> rules = List.of(
                new Rule("eng", Rule.Action.ALLOW, List.of(), List.of("engineering"), false,
                        List.of("lab", "ssh", "wiki")),
                new Rule("no-ssh", Rule.Action.BLOCK, List.of("alice@example.com"), List.of(),
                        false, List.of("ssh")),
                new Rule("all-wiki", Rule.Action.ALLOW, List.of(), List.of(), true,
                        List.of("wiki")));
        List<User> users = List.of(new User("alice@example.com", List.of("engineering")));
        return new PolicyEngine(new AppCatalog(List.of(WIKI, LAB, SSH, DB)), users, rules, 42);
    }

    @Test
    void policyListsAllowedAndBlockedApps() {
        SteeringPolicy policy = engine().steeringPolicyFor("alice@example.com");

        assertThat(policy.version()).isEqualTo(42);
        assertThat(policy.apps()).extracting(SteeredApp::name).containsExactly("wiki", "lab");
        assertThat(policy.blocked()).extracting(SteeredApp::name).containsExactly("ssh");
        assertThat(policy.apps().get(1).hosts()).containsExactly(
                HostPattern.parse("*.lab.internal"), HostPattern.parse("10.20.0.0/16"));
        assertThat(policy.apps().get(1).protocols())
                .containsExactly(AppProtocol.parse("tcp:18000-18999"));
    }

    @Test
    void unknownUserGetsEveryoneApps() {
        SteeringPolicy policy = engine().steeringPolicyFor("eve@example.com");

        assertThat(policy.apps()).extracting(SteeredApp::name).containsExactly("wiki");
        assertThat(policy.blocked()).isEmpty();
    }

    @Test
    void coversReturnsSteeringDecision() {
        SteeringPolicy policy = engine().steeringPolicyFor("alice@example.com");

        assertThat(policy.covers("wiki.corp.internal", Protocol.TCP, 443))
                .isEqualTo(Steering.STEER);
        assertThat(policy.covers("host.lab.internal", Protocol.TCP, 18080))
                .isEqualTo(Steering.STEER);
        assertThat(policy.covers("host.lab.internal", Protocol.TCP, 22))
                .isEqualTo(Steering.BLOCKED);
        assertThat(policy.covers("10.20.1.1", Protocol.TCP, 22)).isEqualTo(Steering.BLOCKED);
        assertThat(policy.covers("db.corp.internal", Protocol.TCP, 5432))
                .isEqualTo(Steering.NOT_COVERED);
        assertThat(policy.covers("example.com", Protocol.TCP, 443))
                .isEqualTo(Steering.NOT_COVERED);
    }

    @Test
    void blockedWinsTieWithSteeredApp() {
        SteeredApp web = new SteeredApp("web", List.of(HostPattern.parse("w.example")),
                List.of(AppProtocol.parse("tcp:443")), false);
        SteeredApp blockedWeb = new SteeredApp("blocked-web",
                List.of(HostPattern.parse("w.example")), List.of(AppProtocol.parse("tcp:443")),
                false);
        SteeringPolicy policy = new SteeringPolicy(1, List.of(web), List.of(blockedWeb));

        assertThat(policy.covers("w.example", Protocol.TCP, 443)).isEqualTo(Steering.BLOCKED);
    }

    @Test
    void jsonRoundTrip() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        SteeringPolicy policy = engine().steeringPolicyFor("alice@example.com");

        String json = mapper.writeValueAsString(policy);
        SteeringPolicy read = mapper.readValue(json, SteeringPolicy.class);

        assertThat(json).isEqualTo("{\"version\":42,"
                + "\"apps\":[{\"name\":\"wiki\",\"hosts\":[\"wiki.corp.internal\"],"
                + "\"protocols\":[\"tcp:443\"],\"publisherDns\":false},"
                + "{\"name\":\"lab\",\"hosts\":[\"*.lab.internal\",\"10.20.0.0/16\"],"
                + "\"protocols\":[\"tcp:18000-18999\"],\"publisherDns\":false}],"
                + "\"blocked\":[{\"name\":\"ssh\",\"hosts\":[\"*.lab.internal\","
                + "\"10.20.0.0/16\"],\"protocols\":[\"tcp:22\"],\"publisherDns\":false,"
                + "\"rule\":\"no-ssh\"}]}");
        assertThat(read).isEqualTo(policy);
        assertThat(read.covers("host.lab.internal", Protocol.TCP, 22)).isEqualTo(Steering.BLOCKED);
    }
}
