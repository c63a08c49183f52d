package masq.engine.helper;

import org.slf4j.Logger;

/**
 * Rate limiting for data-path log lines: at most one line per {@link #INTERVAL_NANOS}, the next one
 * telling how many were suppressed. One instance per kind of event; engine thread only.
 */
final class LogLimiter {
    /** One line per ten seconds per kind of event. */
    static final long INTERVAL_NANOS = 10_000_000_000L;

    private long lastNanos;
    private boolean logged;
    private long suppressed;

    /** Logs a warning if the interval has passed since the last line; counts it suppressed otherwise. */
    void warn(Logger log, String format, Object... arguments) {
        if (allow()) {
            if (suppressed > 0) {
                log.warn("({} similar messages suppressed)", suppressed);
            }
            log.warn(format, arguments);
            suppressed = 0;
        }
    }

    /** Like {@link #warn} at info level, for events that are not faults (an expectation created). */
    void info(Logger log, String format, Object... arguments) {
        if (allow()) {
            if (suppressed > 0) {
                log.info("({} similar messages suppressed)", suppressed);
            }
            log.info(format, arguments);
            suppressed = 0;
        }
    }

    private boolean allow() {
        long now = System.nanoTime();
        if (logged && now - lastNanos < INTERVAL_NANOS) {
            suppressed++;
            return false;
        }
        logged = true;
        lastNanos = now;
        return true;
    }
}
