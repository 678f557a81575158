package io.ztna.clientgateway.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.policy.Decision;
import io.ztna.proto.policy.Directory;
import io.ztna.proto.policy.LoadedPolicy;
import io.ztna.proto.policy.PolicyEngine;
import io.ztna.proto.policy.PolicyTestCase;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code client-gateway policy check FILE...}: validates each policy file with the directory
 * file it names, prints its warnings, runs its test cases and prints one line per case and a
 * summary per file. A file whose only top-level field is {@code users} is validated as a
 * directory file. Every file is checked even after one fails.
 */
@Command(name = "check", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = {"Validates policy files and the directory files they name, and runs "
                + "the test cases under 'tests:' of each policy file.",
            "A file with only 'users:' at the top is validated as a directory file."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every file is valid and every test case passes",
            "1:a test case fails", "2:a file is invalid (the error names file, line and field)"})
final class PolicyCheckCommand implements Callable<Integer> {

    private static final ObjectMapper YAML = new YAMLMapper();

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "Policy files (YAML) or directory files.")
    List<Path> files;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int exitCode = PolicyCommand.EXIT_OK;
        for (Path file : files) {
            exitCode = Math.max(exitCode, check(file, out));
        }
        out.flush();
        return exitCode;
    }

    /** Checks one file and returns its exit code. */
    private static int check(Path file, PrintWriter out) {
        LoadedPolicy loaded;
        try {
            if (isDirectoryFile(file)) {
                Directory directory = Directory.load(file);
                out.println(file + ": valid directory file, "
                        + count(directory.users().size(), "user"));
                return PolicyCommand.EXIT_OK;
            }
            loaded = LoadedPolicy.load(file);
        } catch (ConfigException e) {
            out.println("error: " + e.getMessage());
            return PolicyCommand.EXIT_INVALID;
        }
        for (String warning : loaded.warnings()) {
            out.println("warning: " + warning);
        }
        return runTests(loaded, out);
    }

    private static int runTests(LoadedPolicy loaded, PrintWriter out) {
        PolicyEngine engine = loaded.toEngine(0);
        List<PolicyTestCase> tests = loaded.policy().tests();
        int failed = 0;
        for (PolicyTestCase test : tests) {
            Decision decision = test.decide(engine);
            if (test.passes(decision)) {
                out.println("ok   " + test.describe() + " (" + decision.reason() + ")");
            } else {
                failed++;
                out.println("FAIL " + test.flow() + " -> expected "
                        + test.expect().name().toLowerCase(Locale.ROOT) + ", got "
                        + (decision.allowed() ? "allow" : "block") + " (" + decision.reason()
                        + ")");
            }
        }
        out.println(loaded.policyFile() + ": valid, "
                + count(loaded.policy().apps().size(), "app") + ", "
                + count(loaded.policy().rules().size(), "rule") + ", "
                + count(loaded.users().size(), "user") + ", "
                + count(tests.size(), "test case") + ": " + (tests.size() - failed)
                + " passed, " + failed + " failed");
        return failed == 0 ? PolicyCommand.EXIT_OK : PolicyCommand.EXIT_FAILED;
    }

    /**
     * Returns whether the file is a YAML mapping whose only key is {@code users}. A file that
     * cannot be read or parsed is not, so that loading it as a policy reports the problem.
     */
    private static boolean isDirectoryFile(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            return false;
        }
        return root != null && root.isObject() && root.size() == 1 && root.has("users");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
