package io.ztna.clientgateway.policy;

import io.ztna.proto.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access policy in force and its reloads. The store polls the policy file and the
 * directory file it names, and loads both again when their content changes. A valid result
 * replaces the policy at once for every new decision and goes to the listeners. An invalid one
 * is logged with the loader's message (file, line, field, expected form), and the running
 * policy stays. Polling compares content digests rather than modification times,
 * so editors that replace files by rename and clocks with coarse timestamps both work.
 * Thread-safe.
 */
public final class PolicyStore implements AutoCloseable {

    /** The reload outcome of a changed policy that was read and took effect. */
    public static final String RELOAD_APPLIED = "applied";
    /** The reload outcome of a changed policy that failed to load, so the old one stays. */
    public static final String RELOAD_REJECTED = "rejected";

    private static final Logger log = LoggerFactory.getLogger(PolicyStore.class);

    private final Path file;
    private final List<BiConsumer<AccessPolicy, AccessPolicy>> listeners =
            new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> reloadListeners = new CopyOnWriteArrayList<>();
    private volatile AccessPolicy current;
    private byte[] digest;
    private byte[] rejectedDigest;
    private ScheduledExecutorService watcher;

    private PolicyStore(Path file, AccessPolicy initial, byte[] digest) {
        this.file = file;
        this.current = initial;
        this.digest = digest;
    }

    /**
     * Loads the policy for the first time.
     *
     * @throws ConfigException naming file, line and field when the policy is invalid
     */
    public static PolicyStore load(Path file) throws ConfigException {
        AccessPolicy initial = AccessPolicy.load(file, System.currentTimeMillis());
        initial.source().warnings().forEach(warning -> log.warn("policy warning: {}", warning));
        return new PolicyStore(file, initial, digestOf(initial.source().files()));
    }

    /** Returns the policy in force. */
    public AccessPolicy current() {
        return current;
    }

    /**
     * Adds a listener called with the previous and the new policy after each successful
     * reload, on the watcher's thread.
     */
    public void onChange(BiConsumer<AccessPolicy, AccessPolicy> listener) {
        listeners.add(listener);
    }

    /**
     * Adds a listener called with {@code applied} or {@code rejected} after each reload
     * attempt, on the thread that reloaded.
     */
    public void onReloadAttempt(Consumer<String> listener) {
        reloadListeners.add(listener);
    }

    /** Starts polling the files every {@code interval} on a daemon thread of its own. */
    public synchronized PolicyStore watch(Duration interval) {
        if (watcher == null) {
            watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "policy-watcher");
                thread.setDaemon(true);
                return thread;
            });
            long millis = Math.max(10, interval.toMillis());
            watcher.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis,
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Reloads when the files' content changed since the last load or rejected attempt.
     *
     * @return whether a new policy took effect
     */
    public synchronized boolean reloadIfChanged() {
        byte[] now = digestOf(current.source().files());
        if (Arrays.equals(now, digest) || Arrays.equals(now, rejectedDigest)) {
            return false;
        }
        return reload(now);
    }

    private boolean reload(byte[] observed) {
        AccessPolicy previous = current;
        AccessPolicy next;
        try {
            next = AccessPolicy.load(file,
                    Math.max(previous.version() + 1, System.currentTimeMillis()));
        } catch (ConfigException e) {
            rejectedDigest = observed;
            log.warn("policy reload failed, keeping version {}: {}", previous.version(),
                    e.getMessage());
            reloadAttempted(RELOAD_REJECTED);
            return false;
        } catch (RuntimeException e) {
            rejectedDigest = observed;
            log.error("policy reload failed, keeping version {}", previous.version(), e);
            reloadAttempted(RELOAD_REJECTED);
            return false;
        }
        // The directory file may have changed name, so the digest covers the files just read.
        digest = digestOf(next.source().files());
        rejectedDigest = null;
        current = next;
        next.source().warnings().forEach(warning -> log.warn("policy warning: {}", warning));
        log.info("policy reloaded: version={} previousVersion={} apps={} rules={} users={}",
                next.version(), previous.version(), next.appCount(),
                next.engine().rules().size(), next.source().users().size());
        reloadAttempted(RELOAD_APPLIED);
        for (BiConsumer<AccessPolicy, AccessPolicy> listener : listeners) {
            try {
                listener.accept(previous, next);
            } catch (RuntimeException e) {
                log.error("policy change listener failed", e);
            }
        }
        return true;
    }

    private void reloadAttempted(String outcome) {
        for (Consumer<String> listener : reloadListeners) {
            listener.accept(outcome);
        }
    }

    /** Returns a SHA-256 over the files' content; a missing or unreadable file counts too. */
    private static byte[] digestOf(List<Path> files) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path path : files) {
            sha.update(path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try {
                sha.update((byte) 1);
                sha.update(Files.readAllBytes(path));
            } catch (NoSuchFileException e) {
                sha.update((byte) 2);
            } catch (IOException e) {
                sha.update((byte) 3);
            }
        }
        return sha.digest();
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
            watcher = null;
        }
    }
}
