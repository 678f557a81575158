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
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * All four tiers in this JVM, each from the config file the lab writes, with real TLS and real
 * loopback sockets, plus the demo apps. Ports are picked free for each instance.
 */
final class InProcessLab implements AutoCloseable {

    final LabPorts ports;
    final LabState state;
    private final EventLoopGroup appGroup = Transports.newGroup(1);
    DemoHttpServer http;
    DemoEchoServer echo;
    PublisherGateway publisherGateway;
    Publisher publisher;
    ClientGateway clientGateway;
    ClientAgent agent;
    final int httpProxyPort = FreePorts.next();
    private boolean startAgent = true;

    InProcessLab(Path dir, List<Forward> forwards) {
        this.ports = new LabPorts(FreePorts.next(), FreePorts.next(), FreePorts.next(),
                0, FreePorts.next(), FreePorts.inLabRange());
        this.state = new LabState(dir, ports, forwards, false).httpProxyPort(httpProxyPort);
    }

    /**
     * Starts every tier but the agent, which the caller runs elsewhere from
     * {@code state.config("client-agent")}: for example in a network namespace that reaches
     * the client gateway on {@code clientGatewayHost}.
     */
    InProcessLab withoutAgent(String clientGatewayHost) {
        state.clientGatewayHost(clientGatewayHost);
        startAgent = false;
        return this;
    }

    InProcessLab start() throws Exception {
        state.write();
        http = new DemoHttpServer(new InetSocketAddress("127.0.0.1", ports.demoHttp()))
                .start(appGroup);
        echo = new DemoEchoServer(new InetSocketAddress("127.0.0.1", ports.demoEcho()))
                .start(appGroup);
        publisherGateway = new PublisherGateway(
                PublisherGatewayConfig.load(state.config("publisher-gateway"))).start();
        publisher = new Publisher(PublisherConfig.load(state.config("publisher"))).start();
        clientGateway = new ClientGateway(
                ClientGatewayConfig.load(state.config("client-gateway"))).start();
        if (startAgent) {
            agent = new ClientAgent(ClientAgentConfig.load(state.config("client-agent"))).start();
        }
        await(() -> (agent == null || agent.isReady()) && clientGateway.isReady()
                && publisher.isReady()
                && clientGateway.directory().connectedPublishers().contains("pub-1"),
                "all tiers ready");
        return this;
    }

    InetSocketAddress socks() {
        return new InetSocketAddress("127.0.0.1", ports.socks());
    }

    InetSocketAddress httpProxy() {
        return new InetSocketAddress("127.0.0.1", httpProxyPort);
    }

    /** Waits up to 20 s for a condition, polling every 10 ms. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, what, 20);
    }

    /** Waits up to {@code seconds} for a condition, polling every 10 ms. */
    static void await(BooleanSupplier condition, String what, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.close();
        }
        if (clientGateway != null) {
            clientGateway.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (publisherGateway != null) {
            publisherGateway.close();
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
