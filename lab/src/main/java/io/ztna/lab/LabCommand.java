package io.ztna.lab;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/lab}: runs every tier of the data plane on loopback with demo apps. */
@Command(name = "lab", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Runs all four ztna daemons on loopback with demo apps.",
        subcommands = {LabUp.class, LabStatus.class, LabDemo.class})
public final class LabCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LabCommand()).execute(args));
    }
}
