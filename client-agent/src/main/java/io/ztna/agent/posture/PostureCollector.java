package io.ztna.agent.posture;

import io.ztna.agent.AgentVersion;
import io.ztna.proto.posture.CheckState;
import io.ztna.proto.posture.DevicePosture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the device's posture from the host. Each call reads the files again and runs the
 * firewall tools and command checks, so it blocks for up to the sum of their timeouts: call it
 * on a dedicated thread, never on an event loop. Not thread-safe.
 *
 * <p>Screen lock is always UNKNOWN, because a Linux host has no system-wide setting that the
 * agent could read: locking is up to each desktop session.
 */
public final class PostureCollector {

    private static final Logger log = LoggerFactory.getLogger(PostureCollector.class);
    /** Upper bound on host name bytes read; the kernel's limit is 64. */
    private static final int MAX_HOST_NAME_BYTES = 256;

    private final PostureSources sources;
    private final List<AdminCheck> checks;
    private final DiskEncryptionCheck diskEncryption;
    private final FirewallCheck firewall;
    private final CommandRunner runner = new CommandRunner();
    /** Last problem logged per check name, so that a lasting problem is logged once. */
    private final Map<String, String> loggedProblems = new HashMap<>();

    /**
     * @param checks administrator-defined checks, with file paths already absolute
     */
    public PostureCollector(PostureSources sources, List<AdminCheck> checks) {
        this.sources = sources;
        this.checks = List.copyOf(checks);
        this.diskEncryption = new DiskEncryptionCheck(sources.sysBlock());
        this.firewall = new FirewallCheck(sources.toolDirectories(), runner);
    }

    /**
     * Collects the posture now.
     *
     * @throws InterruptedException when the thread is interrupted while a command runs, which
     *     is then killed
     */
    public DevicePosture collect() throws InterruptedException {
        OsRelease os = OsRelease.read(sources.osReleaseFiles());
        CheckState disk = diskEncryption.check();
        CheckState firewallState = firewall.check();
        Map<String, CheckState> results = new LinkedHashMap<>();
        for (AdminCheck check : checks) {
            results.put(check.name(), run(check));
        }
        return new DevicePosture(os.name(), os.version(), AgentVersion.VALUE, readHostName(),
                disk, firewallState, CheckState.UNKNOWN, results);
    }

    private CheckState run(AdminCheck check) throws InterruptedException {
        if (!check.isCommand()) {
            return CheckState.of(Files.exists(check.file()));
        }
        CommandRunner.Result result;
        try {
            result = runner.run(check.command(), check.commandTimeout(), false);
        } catch (IOException e) {
            logProblem(check, "the command did not start: " + e.getMessage());
            return CheckState.FAIL;
        }
        if (result.timedOut()) {
            logProblem(check, "the command timed out after " + check.commandTimeout().toMillis()
                    + " ms and was killed");
        } else {
            logProblem(check, null);
        }
        return CheckState.of(result.succeeded());
    }

    /** Logs a check's problem when it differs from the last one logged; null clears it. */
    private void logProblem(AdminCheck check, String problem) {
        String previous = problem == null ? loggedProblems.remove(check.name())
                : loggedProblems.put(check.name(), problem);
        if (problem != null && !problem.equals(previous)) {
            log.warn("posture check failed: name={} command={} error=\"{}\"",
                    check.name(), check.command().get(0), problem);
        }
    }

    private String readHostName() {
        try (InputStream in = Files.newInputStream(sources.hostNameFile())) {
            return new String(in.readNBytes(MAX_HOST_NAME_BYTES), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
