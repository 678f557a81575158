package io.ztna.lab;

import io.ztna.agent.ClientAgent;
import io.ztna.agent.ClientAgentConfig;
import io.ztna.proto.daemon.DaemonRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the client agent as its own process, as {@code bin/client-agent run} does, with a fixed
 * table of stub addresses in place of the agent's DNS server. Prints {@link #READY} on standard
 * output once the tunnel is up and a steering policy arrived, then runs until SIGTERM.
 *
 * <p>Arguments: the config file, then {@code ADDRESS=NAME} stub entries.
 */
public final class CaptureAgentMain {

    static final String READY = "capture agent ready";

    private CaptureAgentMain() {
    }

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args[0]);
        Map<InetAddress, String> stubs = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] entry = args[i].split("=", 2);
            stubs.put(InetAddress.getByName(entry[0]), entry[1]);
        }
        System.exit(DaemonRunner.run("client-agent", () -> {
            // Without stub entries the agent maps stub addresses with its own DNS server.
            ClientAgent agent = (stubs.isEmpty()
                    ? new ClientAgent(ClientAgentConfig.load(config))
                    : new ClientAgent(ClientAgentConfig.load(config), stubs::get)).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!agent.isReady()) {
                if (System.nanoTime() > deadline) {
                    agent.close();
                    throw new IOException("agent not ready within 30 s");
                }
                Thread.sleep(10);
            }
            System.out.println(READY);
            System.out.flush();
            return agent;
        }));
    }
}
