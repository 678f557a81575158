package io.ztna.agent.steering;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notices the agent keeps for its status output: the most recent {@link #CAPACITY}, newest
 * last. Each notice is logged at WARN, except that the same rule, destination and text are
 * logged at most once per {@link #LOG_INTERVAL} so that a client retrying a blocked
 * destination does not flood the log; all are kept. Thread-safe.
 */
public final class Notices {

    static final int CAPACITY = 20;
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(Notices.class);

    private final Deque<Notice> recent = new ArrayDeque<>();
    private final Map<String, Instant> lastLogged = new HashMap<>();

    /** Records a notice and logs it unless the same one was logged within the interval. */
    public synchronized void add(Notice notice) {
        recent.addLast(notice);
        while (recent.size() > CAPACITY) {
            recent.removeFirst();
        }
        String key = notice.rule() + '|' + notice.destination() + '|' + notice.text();
        Instant now = Instant.now();
        Instant previous = lastLogged.get(key);
        if (previous == null || !now.isBefore(previous.plus(LOG_INTERVAL))) {
            if (lastLogged.size() >= 1024) {
                lastLogged.clear();
            }
            lastLogged.put(key, now);
            log.warn("notice: source={} rule={} app={} destination={} text=\"{}\"",
                    notice.source(), notice.rule(), notice.app(), notice.destination(),
                    notice.text());
        }
    }

    /** Returns the kept notices, oldest first. */
    public synchronized List<Notice> recent() {
        return new ArrayList<>(recent);
    }
}
