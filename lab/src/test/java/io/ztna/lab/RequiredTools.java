package io.ztna.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Skips a test whose tools or privileges this machine lacks, with a message naming them. When
 * the environment variable {@code CI} is set, the test fails instead, so that CI cannot pass by
 * skipping: {@code .ci/run} installs the tools and runs as root.
 */
final class RequiredTools {

    private RequiredTools() {
    }

    /** Requires each command on the PATH, and root when {@code root} is set. */
    static void require(boolean root, String... commands) {
        List<String> missing = new ArrayList<>();
        for (String command : commands) {
            if (!onPath(command)) {
                missing.add(command);
            }
        }
        if (root && !isRoot()) {
            missing.add("root (uid 0)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "needs " + String.join(", ", missing) + ", not available here";
        if (System.getenv("CI") != null) {
            throw new AssertionError(message + " (the CI environment variable is set, so this "
                    + "test must run)");
        }
        Assumptions.abort(message);
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Reads the real user id from {@code /proc/self/status}. */
    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
