package io.rtvoice.bench.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What every caller of the soak adds to. */
final class SoakStats {

    /** A turn that neither completed nor failed within its timeout. */
    static final String HUNG = "hung (no outcome within the turn timeout)";

    final LongAdder sessionsOpened = new LongAdder();
    final LongAdder reconnections = new LongAdder();
    final LongAdder turnsCompleted = new LongAdder();
    final LongAdder audioBytes = new LongAdder();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    /** Counts a turn (or call) that did not complete, by how it ended. */
    void outcome(String what) {
        outcomes.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    Map<String, Long> outcomes() {
        Map<String, Long> copy = new TreeMap<>();
        outcomes.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    long hung() {
        LongAdder hung = outcomes.get(HUNG);
        return hung == null ? 0 : hung.sum();
    }
}
