package io.ztna.clientgateway;

import io.ztna.clientgateway.policy.PolicyCommand;
import io.ztna.proto.daemon.DaemonRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/client-gateway}: the client gateway's command line. */
@Command(name = "client-gateway", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Terminates agent tunnels, decides every flow and relays it to a publisher.",
        subcommands = {ClientGatewayCommand.Run.class, PolicyCommand.class})
public final class ClientGatewayCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClientGatewayCommand()).execute(args));
    }

    @Command(name = "run", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
            description = "Runs the client gateway until SIGTERM or Ctrl-C.")
    static final class Run implements Callable<Integer> {

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "YAML config file (listen address, publisher gateways, policy file, "
                        + "TLS files, timeouts).")
        Path config;

        @Override
        public Integer call() {
            return DaemonRunner.run("client-gateway",
                    () -> new ClientGateway(ClientGatewayConfig.load(config)).start());
        }
    }
}
