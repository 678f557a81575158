package io.ztna.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.channel.EventLoopGroup;
import io.ztna.agent.ClientAgent;
import io.ztna.agent.ClientAgentConfig;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.TlsConfig;
import io.ztna.proto.transport.Transports;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DNS server inside the agent, from its config file: answers through {@code dig}, the stub
 * lookup that capture uses, and the {@code dns} part of the admin endpoint's status. No gateway
 * listens, so the agent's tunnel stays down, and the test applies a steering policy itself.
 */
@ExtendWith(LeakCheck.class)
class AgentDnsTest {

    @TempDir
    Path dir;
    private EventLoopGroup group;
    private TestUpstream upstream;
    private ClientAgent agent;

    @BeforeEach
    void start() throws Exception {
        Dig.requireDig();
        group = Transports.newGroup(1);
        upstream = new TestUpstream().start(group).addA("www.example.test", "192.0.2.10");
        TlsConfig tls = TestPki.create(dir).user("alice@example.com", "laptop-1");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("agent.yaml"), "gateways: [127.0.0.1:"
                + closedPort + "]\n"
                + "admin: 127.0.0.1:0\n"
                + "tls:\n"
                + "  certificate: '" + tls.certificateChainFile() + "'\n"
                + "  privateKey: '" + tls.privateKeyFile() + "'\n"
                + "  ca: '" + tls.caFile() + "'\n"
                + "  trustDomain: " + TestPki.TRUST_DOMAIN + "\n"
                + "threads: 1\n"
                + "reconnect:\n"
                + "  initialDelay: 1s\n"
                + "  maxDelay: 5s\n"
                + "dns:\n"
                + "  listen: 127.0.0.1:0\n"
                + "  upstreams: [127.0.0.1:" + upstream.address().getPort() + "]\n"
                + "  stateFile: state/dns.json\n");
        agent = new ClientAgent(ClientAgentConfig.load(config)).start();
        agent.steering().apply(new SteeringPolicy(1, List.of(
                AppNamesTest.app("intranet", false, List.of("intranet.corp.internal"),
                        "tcp:443")), List.of()));
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void agentServesStubsAndReportsThem() throws Exception {
        int port = agent.dnsAddress().getPort();

        Dig.Result app = Dig.query(port, "intranet.corp.internal", "A");
        Dig.Result other = Dig.query(port, "www.example.test", "A");
        String host = agent.stubLookup().hostFor(InetAddress.getByName("100.64.0.1"));
        JsonNode dns = status().get("dns");

        assertThat(app.data()).containsExactly("100.64.0.1");
        assertThat(other.data()).containsExactly("192.0.2.10");
        assertThat(host).isEqualTo("intranet.corp.internal");
        assertThat(agent.stubLookup().hostFor(InetAddress.getByName("100.64.0.2"))).isNull();
        assertThat(dns.get("listen").asText()).isEqualTo(agent.dnsAddress().toString());
        assertThat(dns.get("stubMappingCount").asInt()).isEqualTo(1);
        assertThat(dns.get("stubMappings").get(0).get("name").asText())
                .isEqualTo("intranet.corp.internal");
        assertThat(dns.get("stubMappings").get(0).get("address").asText())
                .isEqualTo("100.64.0.1");
        assertThat(dns.get("malformedCount").asLong()).isZero();
    }

    @Test
    void mappingsSavedAtStop() throws Exception {
        Dig.query(agent.dnsAddress().getPort(), "intranet.corp.internal", "A");

        agent.close();
        agent = null;

        List<StubMapping> saved = new MappingFile(dir.resolve("state/dns.json")).read();
        assertThat(saved).extracting(StubMapping::name).containsExactly("intranet.corp.internal");
        assertThat(saved).extracting(mapping -> mapping.address().getHostAddress())
                .containsExactly("100.64.0.1");
    }

    private JsonNode status() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + agent.adminAddress().getPort() + "/status"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }
}
