package io.rtvoice.bench.latency;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** One histogram per {@link Stage} (µs, 3 significant digits), and the run's counters; any thread may record. */
final class Measurements {

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final Map<Stage, ConcurrentHistogram> histograms = new EnumMap<>(Stage.class);
    final AtomicInteger turnsDone = new AtomicInteger();
    final AtomicInteger turnsFailed = new AtomicInteger();
    final AtomicLong underruns = new AtomicLong();
    final AtomicInteger turnsWithUnderrun = new AtomicInteger();
    final AtomicLong audioDeltas = new AtomicLong();
    final Map<String, AtomicInteger> failures = new java.util.concurrent.ConcurrentHashMap<>();

    Measurements() {
        for (Stage stage : Stage.values()) {
            ConcurrentHistogram histogram = new ConcurrentHistogram(MAX_MICROS, 3);
            histogram.setTag(stage.key());
            histograms.put(stage, histogram);
        }
    }

    void record(Stage stage, long nanos) {
        histograms.get(stage).recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1_000)));
    }

    void failed(Throwable cause) {
        turnsFailed.incrementAndGet();
        String what = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        failures.computeIfAbsent(what.length() > 200 ? what.substring(0, 200) : what, k -> new AtomicInteger()).incrementAndGet();
    }

    /** A copy of the stage's histogram, safe to read while recording goes on. */
    Histogram histogram(Stage stage) {
        Histogram copy = histograms.get(stage).copy();
        copy.setTag(stage.key()); // copy() does not carry the tag
        return copy;
    }
}
