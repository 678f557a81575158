package io.ztna.publishergateway;

import io.ztna.proto.daemon.DaemonRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/publisher-gateway}: the publisher gateway's command line. */
@Command(name = "publisher-gateway", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Joins client gateways to the publishers that dial in to this gateway.",
        subcommands = PublisherGatewayCommand.Run.class)
public final class PublisherGatewayCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PublisherGatewayCommand()).execute(args));
    }

    @Command(name = "run", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
            description = "Runs the publisher gateway until SIGTERM or Ctrl-C.")
    static final class Run implements Callable<Integer> {

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "YAML config file (listen address, TLS files, tunnel timeouts).")
        Path config;

        @Override
        public Integer call() {
            return DaemonRunner.run("publisher-gateway", () -> {
                PublisherGateway gateway = new PublisherGateway(PublisherGatewayConfig.load(config));
                return gateway.start();
            });
        }
    }
}
