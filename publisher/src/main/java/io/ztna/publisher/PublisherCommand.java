package io.ztna.publisher;

import io.ztna.proto.daemon.DaemonRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/publisher}: the publisher's command line. */
@Command(name = "publisher", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Dials out to publisher gateways and connects their flows to private apps.",
        subcommands = PublisherCommand.Run.class)
public final class PublisherCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PublisherCommand()).execute(args));
    }

    @Command(name = "run", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
            description = "Runs the publisher until SIGTERM or Ctrl-C.")
    static final class Run implements Callable<Integer> {

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "YAML config file (gateways, TLS files, scope, host map, timeouts).")
        Path config;

        @Override
        public Integer call() {
            return DaemonRunner.run("publisher",
                    () -> new Publisher(PublisherConfig.load(config)).start());
        }
    }
}
