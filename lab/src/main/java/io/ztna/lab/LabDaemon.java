package io.ztna.lab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One daemon the lab starts: its config name, the id in its certificate, its main class and
 * the ports it listens on.
 *
 * @param name the daemon's config file name without {@code .yaml}, also its log's name
 * @param id the name in the daemon's certificate, such as cg-1, or the lab user for the agent
 * @param adminPort the admin port serving {@code /readyz} and {@code /status}; 0 when picked
 *     by the system
 * @param listenPorts the data ports the daemon listens on, none for a publisher
 */
record LabDaemon(String name, String id, String mainClass, int adminPort,
        List<Integer> listenPorts) {

    private static final String PUBLISHER_GATEWAY =
            "io.ztna.publishergateway.PublisherGatewayCommand";
    private static final String PUBLISHER = "io.ztna.publisher.PublisherCommand";
    private static final String CLIENT_GATEWAY = "io.ztna.clientgateway.ClientGatewayCommand";
    private static final String AGENT = "io.ztna.agent.ClientAgentCommand";

    LabDaemon {
        listenPorts = List.copyOf(listenPorts);
    }

    /**
     * Returns the lab's daemons in start order: publisher gateways, publishers, client gateways,
     * then the agent. The HA lab has two of each except the agent.
     */
    static List<LabDaemon> of(LabPorts ports, List<Forward> forwards, boolean ha) {
        List<Integer> agentPorts = new ArrayList<>();
        agentPorts.add(ports.socks());
        forwards.forEach(forward -> agentPorts.add(forward.localPort()));

        List<LabDaemon> daemons = new ArrayList<>();
        daemons.add(new LabDaemon("publisher-gateway", "pg-1", PUBLISHER_GATEWAY,
                ports.publisherGatewayAdmin(), List.of(ports.publisherGateway())));
        if (ha) {
            daemons.add(new LabDaemon("publisher-gateway-2", "pg-2", PUBLISHER_GATEWAY,
                    ports.publisherGateway2Admin(), List.of(ports.publisherGateway2())));
        }
        daemons.add(new LabDaemon("publisher", "pub-1", PUBLISHER, ports.publisherAdmin(),
                List.of()));
        if (ha) {
            daemons.add(new LabDaemon("publisher-2", "pub-2", PUBLISHER,
                    ports.publisher2Admin(), List.of()));
        }
        daemons.add(new LabDaemon("client-gateway", "cg-1", CLIENT_GATEWAY,
                ports.clientGatewayAdmin(), List.of(ports.clientGateway())));
        if (ha) {
            daemons.add(new LabDaemon("client-gateway-2", "cg-2", CLIENT_GATEWAY,
                    ports.clientGateway2Admin(), List.of(ports.clientGateway2())));
        }
        daemons.add(new LabDaemon("client-agent", LabState.USER, AGENT, ports.agentAdmin(),
                agentPorts));
        return daemons;
    }

    /**
     * Checks that no two listeners of the lab, daemons' and demo apps', share a port, which
     * the ports derived for the HA lab can cause.
     *
     * @throws IllegalArgumentException naming the port and both listeners set to it
     */
    static void checkDistinctPorts(List<LabDaemon> daemons, LabPorts ports) {
        Map<Integer, String> owners = new HashMap<>();
        claim(owners, ports.demoHttp(), "demo web app");
        claim(owners, ports.demoEcho(), "demo echo app");
        for (LabDaemon daemon : daemons) {
            claim(owners, daemon.adminPort(), daemon.name() + " admin");
            for (int port : daemon.listenPorts()) {
                claim(owners, port, daemon.name());
            }
        }
    }

    private static void claim(Map<Integer, String> owners, int port, String owner) {
        if (port == 0) {
            return;
        }
        if (port > 65535) {
            throw new IllegalArgumentException("invalid port " + port + " for " + owner
                    + " (expected: 1 to 65535; lower the option it is derived from)");
        }
        String previous = owners.putIfAbsent(port, owner);
        if (previous != null) {
            throw new IllegalArgumentException("port " + port + " is set for both " + previous
                    + " and " + owner + " (expected: a distinct port each; see bin/lab up "
                    + "--help for the ports derived from each option)");
        }
    }
}
