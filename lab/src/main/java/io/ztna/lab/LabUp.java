package io.ztna.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.channel.EventLoopGroup;
import io.ztna.lab.demo.DemoEchoServer;
import io.ztna.lab.demo.DemoHttpServer;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/lab up}: writes the CA, certificates and configs into the state folder, starts the
 * demo apps in this process and each daemon as its own process, waits until every daemon is
 * ready, prints a line containing {@code ready}, and stops everything on Ctrl-C. With
 * {@code --ha} it starts two client gateways, two publisher gateways and two publishers.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Starts the lab and runs until interrupted (Ctrl-C).")
final class LabUp implements Callable<Integer> {

    static final String STATUS_FILE = "lab.json";
    private static final long READY_TIMEOUT_MILLIS = 90_000;

    @Option(names = "--state-dir", defaultValue = "lab-state",
            description = "Folder for the CA, certificates, configs and logs (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--forward", paramLabel = "LOCALPORT=HOST:PORT",
            description = "Adds an agent port forward from 127.0.0.1:LOCALPORT to HOST:PORT "
                    + "through the tunnel; repeatable.")
    List<String> forwards = new ArrayList<>();

    @Option(names = "--socks-port", defaultValue = "1080",
            description = "Agent SOCKS5 port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int socksPort;

    @Option(names = "--http-proxy-port", defaultValue = "3128",
            description = "Agent HTTP CONNECT proxy port on 127.0.0.1 "
                    + "(default: ${DEFAULT-VALUE}).")
    int httpProxyPort;

    @Option(names = "--dns-port", defaultValue = "5353",
            description = "Agent DNS server port on 127.0.0.1, UDP and TCP "
                    + "(default: ${DEFAULT-VALUE}).")
    int dnsPort;

    @Option(names = "--ha",
            description = "Starts two client gateways (cg-1, cg-2), two publisher gateways "
                    + "(pg-1, pg-2) and two publishers (pub-1, pub-2) that serve every app. "
                    + "cg-2 listens on --client-gateway-port + 1, pg-2 on "
                    + "--publisher-gateway-port + 1, and cg-2, pg-2 and pub-2 take the admin "
                    + "ports --admin-port + 4, + 5 and + 6.")
    boolean ha;

    @Option(names = "--client-gateway-port", defaultValue = "8443",
            description = "Agent port of client gateway cg-1; with --ha, cg-2 takes the next "
                    + "port (default: ${DEFAULT-VALUE}).")
    int clientGatewayPort;

    @Option(names = "--publisher-gateway-port", defaultValue = "7443",
            description = "Port of publisher gateway pg-1; with --ha, pg-2 takes the next "
                    + "port (default: ${DEFAULT-VALUE}).")
    int publisherGatewayPort;

    @Option(names = "--admin-port", defaultValue = "9101",
            description = "First of the admin ports: agent, client gateway, publisher gateway, "
                    + "publisher, then with --ha cg-2, pg-2, pub-2 (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--demo-http-port", defaultValue = "18080",
            description = "Port of the demo web app intranet.corp.internal (default: ${DEFAULT-VALUE}).")
    int demoHttpPort;

    @Option(names = "--demo-echo-port", defaultValue = "18007",
            description = "Port of the demo TCP echo app (default: ${DEFAULT-VALUE}).")
    int demoEchoPort;

    @Option(names = "--threads", defaultValue = "1",
            description = "Event loop threads of each daemon; 0 means two per core. The lab "
                    + "runs four daemons, or seven with --ha, on one host, so one each avoids "
                    + "thread hand-offs (default: ${DEFAULT-VALUE}).")
    int threads;

    private final List<DaemonProcess> daemons = new ArrayList<>();
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        List<Forward> parsedForwards = new ArrayList<>();
        LabPorts ports = new LabPorts(socksPort, clientGatewayPort, publisherGatewayPort,
                adminPort, demoHttpPort, demoEchoPort);
        List<LabDaemon> plan;
        try {
            for (String forward : forwards) {
                parsedForwards.add(Forward.parse(forward));
            }
            plan = LabDaemon.of(ports, parsedForwards, ha);
            LabDaemon.checkDistinctPorts(plan, ports);
        } catch (IllegalArgumentException e) {
            System.err.println("lab: " + e.getMessage());
            return 2;
        }
        Path dir = stateDir.toAbsolutePath();
        LabState state = new LabState(dir, ports, parsedForwards, true).threads(threads).ha(ha)
                .httpProxyPort(httpProxyPort)
                .dnsPort(dnsPort);
        state.write();

        EventLoopGroup group = Transports.newGroup(1);
        DemoHttpServer http = new DemoHttpServer(
                new InetSocketAddress("127.0.0.1", demoHttpPort)).start(group);
        DemoEchoServer echo = new DemoEchoServer(
                new InetSocketAddress("127.0.0.1", demoEchoPort)).start(group);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            System.out.println("lab: stopping the daemons and demo apps");
            stopAll();
            http.close();
            echo.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            System.out.println("lab: stopped");
            stopped.countDown();
        }, "lab-shutdown"));

        for (LabDaemon daemon : plan) {
            startDaemon(state, daemon);
        }
        writeStatusFile(dir, ports, plan);

        if (!awaitReady()) {
            boolean exited = daemons.stream().anyMatch(daemon -> !daemon.isAlive());
            System.err.println(exited
                    ? "lab failed: a daemon exited during start; logs are in " + dir
                    : "lab failed: not every daemon became ready within "
                            + READY_TIMEOUT_MILLIS / 1000 + " s; logs are in " + dir);
            for (DaemonProcess daemon : daemons) {
                System.err.println("  " + daemon.name() + ": "
                        + (daemon.isAlive() ? "running, " + (daemon.isReady() ? "ready" : "not ready")
                                : "exited") + ", log " + daemon.log());
                if (!daemon.isAlive()) {
                    for (String line : daemon.lastLogLines(3)) {
                        System.err.println("    " + line);
                    }
                }
            }
            System.exit(1);
        }
        for (DaemonProcess daemon : daemons) {
            daemon.onExit(code -> {
                if (!stopping) {
                    System.out.println("lab: " + daemon.name() + " (pid " + daemon.pid()
                            + ") exited with code " + code + "; log " + daemon.log());
                }
            });
        }
        printReady(dir, ports, parsedForwards);
        stopped.await();
        return 0;
    }

    private void startDaemon(LabState state, LabDaemon spec) throws IOException {
        DaemonProcess daemon = new DaemonProcess(spec.name(), spec.mainClass(),
                state.config(spec.name()), state.dir().resolve(spec.name() + ".log"),
                spec.adminPort());
        daemon.start();
        daemons.add(daemon);
    }

    private boolean awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            boolean allReady = true;
            for (DaemonProcess daemon : daemons) {
                if (!daemon.isAlive()) {
                    return false;
                }
                allReady &= daemon.isReady();
            }
            if (allReady) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private void printReady(Path dir, LabPorts ports, List<Forward> parsedForwards) {
        StringBuilder text = new StringBuilder()
                .append("ztna lab ready: ").append(daemons.size())
                .append(" daemons up, state and logs in ").append(dir).append('\n')
                .append("  curl --socks5-hostname 127.0.0.1:").append(ports.socks())
                .append(" http://intranet.corp.internal:").append(ports.demoHttp()).append("/\n")
                .append("  curl --socks5-hostname 127.0.0.1:").append(ports.socks())
                .append(" http://host.lab.internal:PORT/   (your own server on 127.0.0.1, "
                        + "PORT 18000-18999)\n")
                .append("  the demo TCP echo: host.lab.internal:").append(ports.demoEcho())
                .append(" (try it through a port forward, see --forward)\n");
        for (Forward forward : parsedForwards) {
            text.append("  forward 127.0.0.1:").append(forward.localPort()).append(" -> ")
                    .append(forward.host()).append(':').append(forward.port()).append('\n');
        }
        if (ha) {
            text.append("  HA: client gateways 127.0.0.1:").append(ports.clientGateway())
                    .append(" (cg-1) and 127.0.0.1:").append(ports.clientGateway2())
                    .append(" (cg-2), publisher gateways 127.0.0.1:")
                    .append(ports.publisherGateway()).append(" (pg-1) and 127.0.0.1:")
                    .append(ports.publisherGateway2()).append(" (pg-2), publishers pub-1 and "
                            + "pub-2\n")
                    .append("  kill a daemon by the PID that bin/lab status shows, then curl "
                            + "again: flows move to the other daemon of that kind\n");
        }
        text.append("  bin/lab status    shows PIDs, ports and tunnel state; Ctrl-C stops the lab");
        System.out.println(text);
        System.out.flush();
    }

    private void writeStatusFile(Path dir, LabPorts ports, List<LabDaemon> plan)
            throws IOException {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("labPid", ProcessHandle.current().pid());
        status.put("ha", ha);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", plan.get(i).name());
            entry.put("id", plan.get(i).id());
            entry.put("pid", daemons.get(i).pid());
            entry.put("adminPort", plan.get(i).adminPort());
            entry.put("ports", plan.get(i).listenPorts());
            entries.add(entry);
        }
        status.put("daemons", entries);
        status.put("demoApps", Map.of("intranet.corp.internal", ports.demoHttp(),
                "echo", ports.demoEcho()));
        ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(dir.resolve(STATUS_FILE), json.writeValueAsString(status));
    }

    private void stopAll() {
        for (int i = daemons.size() - 1; i >= 0; i--) {
            daemons.get(i).stop(5_000);
        }
    }
}
