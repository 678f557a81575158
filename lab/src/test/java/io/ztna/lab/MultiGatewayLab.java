package io.ztna.lab;

import io.netty.channel.EventLoopGroup;
import io.ztna.agent.ClientAgent;
import io.ztna.agent.ClientAgentConfig;
import io.ztna.clientgateway.ClientGateway;
import io.ztna.clientgateway.ClientGatewayConfig;
import io.ztna.lab.demo.DemoEchoServer;
import io.ztna.lab.demo.DemoHttpServer;
import io.ztna.proto.pki.CertificateAuthority;
import io.ztna.proto.pki.LeafRequest;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.SpiffeId;
import io.ztna.proto.transport.Transports;
import io.ztna.publisher.Publisher;
import io.ztna.publisher.PublisherConfig;
import io.ztna.publishergateway.PublisherGateway;
import io.ztna.publishergateway.PublisherGatewayConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The lab with two of each gateway and two publishers, all in this JVM with real TLS on
 * loopback. Publishers pub-1 and pub-2 and client gateways cg-1 and cg-2 each keep a tunnel to
 * both publisher gateways, pg-1 and pg-2. The lab's agent lists both client gateways. The
 * configs are the lab's files, with the second daemon of each kind copied from the first with
 * its own certificate and port. The policy assigns both apps to both publishers and lists
 * {@code extraUsers} users besides the lab's.
 */
final class MultiGatewayLab implements AutoCloseable {

    static final List<String> PUBLISHERS = List.of("pub-1", "pub-2");

    final LabPorts ports;
    final LabState state;
    final int publisherGateway2Port = FreePorts.next();
    final int clientGateway2Port = FreePorts.next();
    final List<PublisherGateway> publisherGateways = new ArrayList<>();
    final List<Publisher> publishers = new ArrayList<>();
    final List<ClientGateway> clientGateways = new ArrayList<>();
    ClientAgent agent;
    private final int extraUsers;
    private final EventLoopGroup appGroup = Transports.newGroup(1);
    private DemoHttpServer http;
    private DemoEchoServer echo;

    MultiGatewayLab(Path dir, int extraUsers) {
        this.ports = new LabPorts(FreePorts.next(), FreePorts.next(), FreePorts.next(),
                0, FreePorts.next(), FreePorts.inLabRange());
        this.state = new LabState(dir, ports, List.of(), false).threads(1);
        this.extraUsers = extraUsers;
    }

    /** Returns the id of the {@code index}-th extra user, such as user-07@example.com. */
    static String user(int index) {
        return String.format(Locale.ROOT, "user-%02d@example.com", index);
    }

    MultiGatewayLab start() throws Exception {
        writeConfigs();
        http = new DemoHttpServer(new InetSocketAddress("127.0.0.1", ports.demoHttp()))
                .start(appGroup);
        echo = new DemoEchoServer(new InetSocketAddress("127.0.0.1", ports.demoEcho()))
                .start(appGroup);
        for (String name : List.of("publisher-gateway", "publisher-gateway-2")) {
            publisherGateways.add(new PublisherGateway(
                    PublisherGatewayConfig.load(state.config(name))).start());
        }
        for (String name : List.of("publisher", "publisher-2")) {
            publishers.add(new Publisher(PublisherConfig.load(state.config(name))).start());
        }
        for (String name : List.of("client-gateway", "client-gateway-2")) {
            clientGateways.add(new ClientGateway(
                    ClientGatewayConfig.load(state.config(name))).start());
        }
        agent = new ClientAgent(ClientAgentConfig.load(state.config("client-agent"))).start();
        InProcessLab.await(() -> agent.isReady() && usableLinks(clientGateways.get(0)) == 4
                && usableLinks(clientGateways.get(1)) == 4,
                "agent ready and both client gateways reaching both publishers through both "
                        + "publisher gateways");
        return this;
    }

    InetSocketAddress socks() {
        return new InetSocketAddress("127.0.0.1", ports.socks());
    }

    /** Returns the number of (publisher, publisher gateway) links that can take flows. */
    static long usableLinks(ClientGateway gateway) {
        return gateway.directory().links(PUBLISHERS).stream()
                .filter(link -> link.usableFor(null))
                .count();
    }

    private void writeConfigs() throws IOException {
        state.write();
        issue(SpiffeId.workload(LabState.TRUST_DOMAIN, PeerRole.PUBLISHER_GATEWAY, "pg-2"),
                "publisher-gateway-2");
        issue(SpiffeId.workload(LabState.TRUST_DOMAIN, PeerRole.PUBLISHER, "pub-2"),
                "publisher-2");
        issue(SpiffeId.workload(LabState.TRUST_DOMAIN, PeerRole.CLIENT_GATEWAY, "cg-2"),
                "client-gateway-2");

        String onePublisherGateway = "  - 127.0.0.1:" + ports.publisherGateway() + "\n";
        String bothPublisherGateways = onePublisherGateway
                + "  - 127.0.0.1:" + publisherGateway2Port + "\n";

        String publisherGateway = read("publisher-gateway");
        write("publisher-gateway-2", replace(replace(publisherGateway,
                        "certs/publisher-gateway", "certs/publisher-gateway-2"),
                "listen: 127.0.0.1:" + ports.publisherGateway() + "\n",
                "listen: 127.0.0.1:" + publisherGateway2Port + "\n"));

        String publisher = replace(read("publisher"), onePublisherGateway,
                bothPublisherGateways);
        write("publisher", publisher);
        write("publisher-2", replace(publisher, "certs/publisher", "certs/publisher-2"));

        String clientGateway = replace(read("client-gateway"), onePublisherGateway,
                bothPublisherGateways);
        write("client-gateway", clientGateway);
        write("client-gateway-2", replace(replace(clientGateway,
                        "certs/client-gateway", "certs/client-gateway-2"),
                "listen: 127.0.0.1:" + ports.clientGateway() + "\n",
                "listen: 127.0.0.1:" + clientGateway2Port + "\n"));

        String oneClientGateway = "  - 127.0.0.1:" + ports.clientGateway() + "\n";
        write("client-agent", replace(read("client-agent"), oneClientGateway,
                oneClientGateway + "  - 127.0.0.1:" + clientGateway2Port + "\n"));
        write("policy", policy());
    }

    private String policy() {
        StringBuilder text = new StringBuilder()
                .append("# Both apps are served by both publishers.\n")
                .append("apps:\n")
                .append("  - name: intranet\n")
                .append("    hosts: [intranet.corp.internal]\n")
                .append("    protocols: [tcp:").append(ports.demoHttp()).append("]\n")
                .append("    publishers: [pub-1, pub-2]\n")
                .append("  - name: lab-hosts\n")
                .append("    hosts: [host.lab.internal]\n")
                .append("    protocols: [tcp:18000-18999]\n")
                .append("    publishers: [pub-1, pub-2]\n")
                .append("users:\n")
                .append("  - id: ").append(LabState.USER).append("\n")
                .append("    groups: [engineering]\n");
        for (int i = 0; i < extraUsers; i++) {
            text.append("  - id: ").append(user(i)).append("\n")
                    .append("    groups: [engineering]\n");
        }
        return text.append("rules:\n")
                .append("  - name: engineering-apps\n")
                .append("    action: allow\n")
                .append("    groups: [engineering]\n")
                .append("    apps: [intranet, lab-hosts]\n")
                .toString();
    }

    private void issue(SpiffeId id, String name) throws IOException {
        Path certs = state.dir().resolve("certs");
        CertificateAuthority ca = CertificateAuthority.load(certs.resolve("ca.pem"),
                certs.resolve("ca-key.pem"));
        ca.issue(LeafRequest.builder(id).build())
                .write(certs.resolve(name + ".pem"), certs.resolve(name + "-key.pem"));
    }

    private String read(String daemon) throws IOException {
        return Files.readString(state.config(daemon));
    }

    private void write(String daemon, String text) throws IOException {
        Files.writeString(state.config(daemon), text);
    }

    /** Replaces every {@code target}, failing when the lab's file no longer contains it. */
    private static String replace(String text, String target, String replacement) {
        if (!text.contains(target)) {
            throw new IllegalStateException("lab config changed: '" + target.strip()
                    + "' not found in:\n" + text);
        }
        return text.replace(target, replacement);
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.close();
        }
        for (ClientGateway gateway : clientGateways) {
            gateway.close();
        }
        for (Publisher publisher : publishers) {
            publisher.close();
        }
        for (PublisherGateway gateway : publisherGateways) {
            gateway.close();
        }
        if (http != null) {
            http.close();
        }
        if (echo != null) {
            echo.close();
        }
        appGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
