package io.ztna.clientgateway.policy;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * {@code client-gateway policy}: tools that read a policy file without starting the gateway.
 * The subcommands write their report to the command line's output stream and errors in their
 * input to its error stream.
 */
@Command(name = "policy", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Checks policy files and explains the decision for one flow.",
        subcommands = {PolicyCheckCommand.class, PolicyExplainCommand.class})
public final class PolicyCommand implements Runnable {

    /** Exit code when every file is valid and every case passes, or explain allows the flow. */
    static final int EXIT_OK = 0;
    /** Exit code when a test case fails, or explain denies the flow. */
    static final int EXIT_FAILED = 1;
    /** Exit code when a file or option is invalid. */
    static final int EXIT_INVALID = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: expected check "
                + "or explain (see 'client-gateway policy --help')");
    }
}
