package io.ztna.proto.pki;

import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The {@code pki} command line: {@code init} creates a CA, {@code issue} signs leaf certificates
 * with it, {@code revoke} adds one to the CA's CRL and {@code crl} signs the CRL again.
 *
 * <p>Exit codes: 0 on success, 1 when an operation fails (a file cannot be read or written, a CA
 * already exists), 2 on invalid input. Every error is one line on standard error that names the
 * value and what is expected.
 */
@Command(name = "pki", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Creates a ztna certificate authority, issues SPIFFE-style certificates"
                + " and revokes them.",
        subcommands = {InitCommand.class, IssueCommand.class, RevokeCommand.class,
            CrlCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:operation failed (I/O error, CA already exists)",
            "2:invalid input"})
public final class PkiCommand implements Runnable {
    static final int EXIT_FAILED = 1;
    static final int EXIT_INVALID_INPUT = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command with standard output and error and returns the exit code. */
    public static int execute(String... args) {
        return newCommandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true))
                .execute(args);
    }

    /** Returns a command line that writes to the given streams and maps errors to exit codes. */
    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new PkiCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(new OneLineParameterErrors());
        commandLine.setExecutionExceptionHandler(new OneLineExecutionErrors());
        return commandLine;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing subcommand (expected init, issue, revoke or crl; see 'pki --help')");
    }

    /** Prints an invalid-input error as one line and returns exit code 2. */
    private static final class OneLineParameterErrors implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException e, String[] args) {
            CommandLine commandLine = e.getCommandLine();
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": "
                    + e.getMessage());
            return EXIT_INVALID_INPUT;
        }
    }

    /**
     * Prints a failed operation as one line: exit code 2 for an invalid value that only the
     * operation could detect, 1 for anything else.
     */
    private static final class OneLineExecutionErrors implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine commandLine,
                ParseResult parseResult) {
            String name = commandLine.getCommandSpec().qualifiedName();
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println(name + ": " + e.getMessage());
                return EXIT_INVALID_INPUT;
            }
            if (e instanceof IOException || e instanceof PkiException) {
                commandLine.getErr().println(name + ": " + e.getMessage());
                return EXIT_FAILED;
            }
            commandLine.getErr().println(name + ": unexpected error: " + e);
            e.printStackTrace(commandLine.getErr());
            return EXIT_FAILED;
        }
    }
}
