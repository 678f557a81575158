package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.agent.ClientAgentConfig;
import io.ztna.clientgateway.ClientGatewayCommand;
import io.ztna.clientgateway.ClientGatewayConfig;
import io.ztna.publisher.PublisherConfig;
import io.ztna.publishergateway.PublisherGatewayConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The files {@code bin/lab up --ha} writes: every config loads and lists both gateways. */
class LabStateTest {

    private static final LabPorts PORTS = new LabPorts(1080, 8443, 7443, 9101, 18080, 18007);

    @TempDir
    Path dir;

    @Test
    void haConfigsListBothGateways() throws Exception {
        new LabState(dir, PORTS, List.of(), true).ha(true).write();
        List<InetSocketAddress> publisherGateways = List.of(
                new InetSocketAddress("127.0.0.1", 7443), new InetSocketAddress("127.0.0.1", 7444));

        assertThat(PublisherGatewayConfig.load(dir.resolve("publisher-gateway.yaml")).id())
                .isEqualTo("pg-1");
        PublisherGatewayConfig secondGateway =
                PublisherGatewayConfig.load(dir.resolve("publisher-gateway-2.yaml"));
        assertThat(secondGateway.id()).isEqualTo("pg-2");
        assertThat(secondGateway.listen().getPort()).isEqualTo(7444);
        assertThat(secondGateway.admin().getPort()).isEqualTo(9106);

        for (String[] publisher : new String[][] {{"publisher", "pub-1", "9104"},
                {"publisher-2", "pub-2", "9107"}}) {
            PublisherConfig config = PublisherConfig.load(dir.resolve(publisher[0] + ".yaml"));
            assertThat(config.id()).isEqualTo(publisher[1]);
            assertThat(config.gateways()).isEqualTo(publisherGateways);
            assertThat(config.admin().getPort()).isEqualTo(Integer.parseInt(publisher[2]));
        }

        for (String[] gateway : new String[][] {{"client-gateway", "cg-1", "8443", "9102"},
                {"client-gateway-2", "cg-2", "8444", "9105"}}) {
            ClientGatewayConfig config =
                    ClientGatewayConfig.load(dir.resolve(gateway[0] + ".yaml"));
            assertThat(config.id()).isEqualTo(gateway[1]);
            assertThat(config.listen().getPort()).isEqualTo(Integer.parseInt(gateway[2]));
            assertThat(config.admin().getPort()).isEqualTo(Integer.parseInt(gateway[3]));
            assertThat(config.publisherGateways()).isEqualTo(publisherGateways);
        }

        ClientAgentConfig agent = ClientAgentConfig.load(dir.resolve("client-agent.yaml"));
        assertThat(agent.gateways()).isEqualTo(List.of(new InetSocketAddress("127.0.0.1", 8443),
                new InetSocketAddress("127.0.0.1", 8444)));
    }

    @Test
    void haPolicyAssignsBothPublishers() throws Exception {
        new LabState(dir, PORTS, List.of(), true).ha(true).write();
        Path policy = dir.resolve("policy.yaml");
        String text = Files.readString(policy);
        assertThat(text.split("    publishers: \\[pub-1, pub-2\\]\n", -1)).hasSize(5);
        assertThat(text).doesNotContain("publishers: [pub-1]\n");

        StringWriter out = new StringWriter();
        CommandLine commandLine = new CommandLine(new ClientGatewayCommand());
        commandLine.setOut(new PrintWriter(out, true));
        int exitCode = commandLine.execute("policy", "check", policy.toString(),
                dir.resolve("directory.yaml").toString());

        assertThat(out.toString()).contains(policy + ": valid, 4 apps, 4 rules, 2 users, "
                + "8 test cases: 8 passed, 0 failed");
        assertThat(exitCode).isZero();
    }
}
