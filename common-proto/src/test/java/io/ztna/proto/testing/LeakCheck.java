package io.ztna.proto.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * JUnit extension that fails a test when Netty's leak detector reports a buffer that was never
 * released.
 *
 * <p>The detector reports a leak only when the garbage collector has collected the buffer and a
 * later allocation polls for it. After each test this extension therefore runs the collector and
 * allocates a few tracked buffers, then fails on any "LEAK:" report logged since the test began.
 *
 * <p>NOTE: the collector gives no promise to collect a given object, so a leak can surface one
 * test later or, rarely, not at all. The root pom runs tests with the detector at PARANOID, so
 * every buffer is tracked.
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {

    private static final int COLLECT_ROUNDS = 3;
    private static final Recorder RECORDER = attachRecorder();

    @Override
    public void beforeEach(ExtensionContext context) {
        collectAndPoll();
        RECORDER.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        collectAndPoll();
        List<String> leaks = RECORDER.clear();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " buffer leak(s) reported by Netty:\n"
                    + String.join("\n", leaks));
        }
    }

    private static void collectAndPoll() {
        for (int round = 0; round < COLLECT_ROUNDS; round++) {
            System.gc();
            ByteBuf heap = ByteBufAllocator.DEFAULT.heapBuffer(1);
            ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(1);
            heap.release();
            direct.release();
        }
    }

    private static Recorder attachRecorder() {
        Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        Recorder recorder = new Recorder();
        recorder.setContext(logger.getLoggerContext());
        recorder.start();
        logger.addAppender(recorder);
        return recorder;
    }

    /** Keeps the leak reports logged at ERROR by {@link ResourceLeakDetector}. */
    private static final class Recorder extends AppenderBase<ILoggingEvent> {

        private final List<String> leaks = new ArrayList<>();

        @Override
        protected synchronized void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)
                    && event.getFormattedMessage().startsWith("LEAK:")) {
                leaks.add(event.getFormattedMessage());
            }
        }

        synchronized List<String> clear() {
            List<String> copy = new ArrayList<>(leaks);
            leaks.clear();
            return copy;
        }
    }
}
