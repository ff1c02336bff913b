package io.rtvoice.bench.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Looks for the soak's API key wherever the client surfaces or logs text: every log record of Netty,
 * reactor-netty and rtvoice at every level (they log through java.util.logging here), and the messages,
 * close reasons and reconnection causes the callers see. A hostile server echoes the key; none may escape.
 */
final class SecretWatch extends Handler {

    private static final String[] LOGGERS = {"io.netty", "reactor", "io.rtvoice"};

    private final String secret;
    private final Map<String, LongAdder> sightings = new ConcurrentHashMap<>();
    private final LongAdder recordsScanned = new LongAdder();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final Logger[] watched = new Logger[LOGGERS.length];
    private final Level[] levels = new Level[LOGGERS.length];

    SecretWatch(String secret) {
        this.secret = secret;
        setLevel(Level.ALL);
    }

    /** Watches every level of the client's loggers (the console still shows only what it showed before). */
    SecretWatch install() {
        for (int i = 0; i < LOGGERS.length; i++) {
            watched[i] = Logger.getLogger(LOGGERS[i]);
            levels[i] = watched[i].getLevel();
            watched[i].setLevel(Level.ALL);
            watched[i].addHandler(this);
        }
        return this;
    }

    void uninstall() {
        for (int i = 0; i < LOGGERS.length; i++) {
            if (watched[i] != null) {
                watched[i].removeHandler(this);
                watched[i].setLevel(levels[i]);
            }
        }
    }

    /** Counts a sighting of the key in {@code text}, seen at {@code where}. */
    void scan(String where, CharSequence text) {
        if (text != null && text.toString().contains(secret)) {
            sightings.computeIfAbsent(where, k -> new LongAdder()).increment();
        }
    }

    /** Scans an exception's messages and {@code toString}s down its causes and suppressed ones. */
    void scan(String where, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            scan(where, t.toString());
            for (Throwable s : t.getSuppressed()) {
                scan(where, s.toString());
            }
        }
    }

    @Override
    public void publish(LogRecord record) {
        recordsScanned.increment();
        scan("log " + record.getLoggerName(), formatter.formatMessage(record));
        if (record.getThrown() != null) {
            scan("log " + record.getLoggerName(), record.getThrown());
        }
    }

    long recordsScanned() {
        return recordsScanned.sum();
    }

    Map<String, Long> sightings() {
        Map<String, Long> copy = new TreeMap<>();
        sightings.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
