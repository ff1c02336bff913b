package io.rtvoice.bench.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What every caller of the soak adds to. */
final class SoakStats {

    /** A turn that neither completed nor failed within its timeout. */
    static final String HUNG = "hung (no outcome within the turn timeout)";
    /** A subscriber of a call's events never told that the call ended. */
    static final String HUNG_SUBSCRIBER = "hung subscriber (not told the call ended)";

    final LongAdder sessionsOpened = new LongAdder();
    final LongAdder reconnections = new LongAdder();
    final LongAdder turnsCompleted = new LongAdder();
    final LongAdder audioBytes = new LongAdder();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> reconnectionCauses = new ConcurrentHashMap<>();

    /** Counts a turn (or call) that did not complete, by how it ended. */
    void outcome(String what) {
        outcomes.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    /** Counts a reconnection's cause; close codes stay, longer numbers and what follows a bracket go, so alike causes add up. */
    void reconnectionCause(String cause) {
        String kind = cause == null ? "(none)" : cause.split("[(\\[]", 2)[0].replaceAll("[0-9]{5,}", "N").strip();
        reconnectionCauses.computeIfAbsent(kind.length() > 80 ? kind.substring(0, 80) : kind, k -> new LongAdder()).increment();
    }

    /** Reconnections after a server closed for a missed pong. */
    long pingTimeouts() {
        return reconnectionCauses.entrySet().stream().filter(e -> e.getKey().contains("ping timeout")).mapToLong(e -> e.getValue().sum()).sum();
    }

    Map<String, Long> reconnectionCauses() {
        Map<String, Long> copy = new TreeMap<>();
        reconnectionCauses.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    Map<String, Long> outcomes() {
        Map<String, Long> copy = new TreeMap<>();
        outcomes.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    long hung() {
        return count(HUNG);
    }

    long hungSubscribers() {
        return count(HUNG_SUBSCRIBER);
    }

    private long count(String outcome) {
        LongAdder n = outcomes.get(outcome);
        return n == null ? 0 : n.sum();
    }
}
