package io.ztna.lab;

import io.netty.channel.EventLoopGroup;
import io.ztna.agent.ClientAgent;
import io.ztna.agent.ClientAgentConfig;
import io.ztna.clientgateway.ClientGateway;
import io.ztna.clientgateway.ClientGatewayConfig;
import io.ztna.lab.demo.DemoEchoServer;
import io.ztna.lab.demo.DemoHttpServer;
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
 * The HA lab with two of each gateway and two publishers, all in this JVM with real TLS on
 * loopback. Publishers pub-1 and pub-2 and client gateways cg-1 and cg-2 each keep a tunnel to
 * both publisher gateways, pg-1 and pg-2. The lab's agent lists both client gateways. The
 * configs are the files {@code bin/lab up --ha} writes, except the policy: it assigns both
 * apps to both publishers and lists {@code extraUsers} users besides the lab's.
 */
final class MultiGatewayLab implements AutoCloseable {

    static final List<String> PUBLISHERS = List.of("pub-1", "pub-2");
    /** Config names of the publishers, in the order of {@link #PUBLISHERS}. */
    static final List<String> PUBLISHER_CONFIGS = List.of("publisher", "publisher-2");

    final LabPorts ports;
    final LabState state;
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
                0, FreePorts.next(), FreePorts.inLabRange(), FreePorts.next(), FreePorts.next());
        this.state = new LabState(dir, ports, List.of(), false).threads(1).ha(true);
        this.extraUsers = extraUsers;
    }

    /** Returns the id of the {@code index}-th extra user, such as user-07@example.com. */
    static String user(int index) {
        return String.format(Locale.ROOT, "user-%02d@example.com", index);
    }

    /** Writes the configs and starts every daemon, both publishers included. */
    MultiGatewayLab start() throws Exception {
        writeConfigs();
        return startWith(PUBLISHER_CONFIGS);
    }

    /**
     * Starts the demo apps, both publisher gateways, the publishers of {@code publisherConfigs},
     * both client gateways and the agent, from the configs {@link #writeConfigs} wrote. Returns
     * once the agent is ready and each client gateway reaches each started publisher through
     * both publisher gateways.
     */
    MultiGatewayLab startWith(List<String> publisherConfigs) throws Exception {
        http = new DemoHttpServer(new InetSocketAddress("127.0.0.1", ports.demoHttp()))
                .start(appGroup);
        echo = new DemoEchoServer(new InetSocketAddress("127.0.0.1", ports.demoEcho()))
                .start(appGroup);
        for (String name : List.of("publisher-gateway", "publisher-gateway-2")) {
            publisherGateways.add(new PublisherGateway(
                    PublisherGatewayConfig.load(state.config(name))).start());
        }
        for (String name : publisherConfigs) {
            publishers.add(new Publisher(PublisherConfig.load(state.config(name))).start());
        }
        for (String name : List.of("client-gateway", "client-gateway-2")) {
            clientGateways.add(new ClientGateway(
                    ClientGatewayConfig.load(state.config(name))).start());
        }
        agent = new ClientAgent(ClientAgentConfig.load(state.config("client-agent"))).start();
        long links = 2L * publisherConfigs.size();
        InProcessLab.await(() -> agent.isReady() && usableLinks(clientGateways.get(0)) == links
                && usableLinks(clientGateways.get(1)) == links,
                "agent ready and both client gateways reaching " + publisherConfigs
                        + " through both publisher gateways");
        return this;
    }

    /**
     * Starts one more publisher from its config and returns once both client gateways reach it
     * through both publisher gateways.
     */
    Publisher startPublisher(String config, String id) throws Exception {
        Publisher publisher = new Publisher(PublisherConfig.load(state.config(config))).start();
        publishers.add(publisher);
        InProcessLab.await(() -> usableLinks(clientGateways.get(0), id) == 2
                && usableLinks(clientGateways.get(1), id) == 2,
                "both client gateways reaching " + id + " through both publisher gateways");
        return publisher;
    }

    InetSocketAddress socks() {
        return new InetSocketAddress("127.0.0.1", ports.socks());
    }

    /** Returns the client gateway the agent's tunnel is connected to now. */
    ClientGateway agentGateway() {
        return clientGateways.get(0).agentSessions().size() == 1
                ? clientGateways.get(0) : clientGateways.get(1);
    }

    /** Returns the client gateway other than {@code gateway}. */
    ClientGateway otherGateway(ClientGateway gateway) {
        return gateway == clientGateways.get(0) ? clientGateways.get(1) : clientGateways.get(0);
    }

    /** Returns the number of (publisher, publisher gateway) links that can take flows. */
    static long usableLinks(ClientGateway gateway) {
        return gateway.directory().links(PUBLISHERS).stream()
                .filter(link -> link.usableFor(null))
                .count();
    }

    /** Returns the number of links to {@code publisher} that can take flows. */
    static long usableLinks(ClientGateway gateway, String publisher) {
        return gateway.directory().links(List.of(publisher)).stream()
                .filter(link -> link.usableFor(null))
                .count();
    }

    /** Writes the HA lab's certificates and configs, with this lab's policy. */
    MultiGatewayLab writeConfigs() throws IOException {
        state.write();
        write("policy", policy());
        return this;
    }

    /**
     * Replaces {@code target} in a daemon's config with {@code replacement}, failing when the
     * config does not contain it. Call between {@link #writeConfigs} and {@link #startWith}.
     */
    void edit(String daemon, String target, String replacement) throws IOException {
        LabConfigs.edit(state, daemon, target, replacement);
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

    private void write(String daemon, String text) throws IOException {
        Files.writeString(state.config(daemon), text);
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
