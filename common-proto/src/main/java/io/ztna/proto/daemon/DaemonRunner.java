package io.ztna.proto.daemon;

import ch.qos.logback.classic.LoggerContext;
import io.ztna.proto.config.ConfigException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a daemon in the foreground: starts it, then blocks until SIGTERM or Ctrl-C, when the
 * shutdown hook closes it. An invalid config ends the process with exit code 2 and one line
 * on standard error naming the file, line and field. Any other start failure ends it with exit
 * code 1.
 */
public final class DaemonRunner {

    private static final Logger log = LoggerFactory.getLogger(DaemonRunner.class);

    /** Starts a daemon and returns it, ready to be closed. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start() throws Exception;
    }

    private DaemonRunner() {
    }

    /** Returns the process exit code once the daemon stopped. */
    public static int run(String name, Starter starter) {
        AutoCloseable daemon;
        try {
            daemon = starter.start();
        } catch (ConfigException e) {
            System.err.println(name + ": invalid config: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            log.error("{} failed to start: {}", name, e.toString());
            log.debug("{} start failure", name, e);
            System.err.println(name + ": failed to start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                daemon.close();
            } catch (Exception e) {
                log.warn("{} did not stop cleanly", name, e);
            } finally {
                stopLogging();
                stopped.countDown();
            }
        }, name + "-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Stops logback, which writes out the flow records still queued for its asynchronous
     * appender. Flows closed while the daemon stopped end up in that queue.
     */
    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
