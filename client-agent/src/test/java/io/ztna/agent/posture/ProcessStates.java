package io.ztna.agent.posture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/** Reads a process's state from {@code /proc}, for tests that check a process was killed. */
final class ProcessStates {

    private static final long POLL_MILLIS = 10;

    private ProcessStates() {
    }

    /**
     * Polls {@code /proc/PID/stat} until the process is gone or a zombie (killed, not yet
     * reaped by its new parent), and returns whether that happened within {@code timeout}.
     * A zombie counts as dead, because reaping is up to PID 1, which a container may not do.
     */
    static boolean awaitDeadOrZombie(long pid, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (isDeadOrZombie(pid)) {
                return true;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return isDeadOrZombie(pid);
    }

    private static boolean isDeadOrZombie(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (NoSuchFileException e) {
            return true;
        }
        // The state follows the command name, which is in parentheses and may contain spaces.
        String afterName = stat.substring(stat.lastIndexOf(')') + 1).strip();
        return afterName.startsWith("Z") || afterName.startsWith("X");
    }
}
