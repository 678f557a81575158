package io.ztna.proto.tunnel;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects the events that one logger and its children write, until {@link #close()}. It sets
 * the logger to DEBUG so that tests also see the lines below the configured level.
 */
final class LoggedEvents implements AutoCloseable {
    private final Logger logger;
    private final Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LoggedEvents(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        previousLevel = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    /** Returns the events of {@code loggerName} at {@code level} logged so far, in order. */
    List<ILoggingEvent> events(String loggerName, Level level) {
        // AppenderBase.doAppend holds the appender's monitor while it adds to the list.
        synchronized (appender) {
            return appender.list.stream()
                    .filter(event -> event.getLoggerName().equals(loggerName))
                    .filter(event -> event.getLevel() == level)
                    .toList();
        }
    }

    /** Returns the formatted messages of {@link #events}. */
    List<String> messages(String loggerName, Level level) {
        return events(loggerName, level).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Returns every event at WARN or above that carries a stack trace. */
    List<ILoggingEvent> warningsWithStackTrace() {
        synchronized (appender) {
            return appender.list.stream()
                    .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                    .filter(event -> event.getThrowableProxy() != null)
                    .toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
    }
}
