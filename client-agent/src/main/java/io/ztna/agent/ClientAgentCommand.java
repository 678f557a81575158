package io.ztna.agent;

import io.ztna.proto.daemon.DaemonRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/client-agent}: the agent's command line. */
@Command(name = "client-agent", mixinStandardHelpOptions = true,
        version = "ztna " + AgentVersion.VALUE,
        description = "Steers the traffic of private apps into a mutual-TLS tunnel.",
        subcommands = {ClientAgentCommand.Run.class, StatusCommand.class})
public final class ClientAgentCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClientAgentCommand()).execute(args));
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            version = "ztna " + AgentVersion.VALUE,
            description = "Runs the agent until SIGTERM or Ctrl-C.")
    static final class Run implements Callable<Integer> {

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "YAML config file (client gateways, TLS files, SOCKS5 address, "
                        + "port forwards).")
        Path config;

        @Override
        public Integer call() {
            return DaemonRunner.run("client-agent",
                    () -> new ClientAgent(ClientAgentConfig.load(config)).start());
        }
    }
}
