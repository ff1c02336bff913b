package io.rtvoice.bench.sip;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** One histogram per {@link SipStage} (µs, 3 significant digits), and the run's counters; any thread may record. */
final class SipMeasurements {

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final Map<SipStage, ConcurrentHistogram> histograms = new EnumMap<>(SipStage.class);
    final AtomicInteger turnsDone = new AtomicInteger();
    final AtomicInteger turnsFailed = new AtomicInteger();
    final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    SipMeasurements() {
        for (SipStage stage : SipStage.values()) {
            histograms.put(stage, new ConcurrentHistogram(MAX_MICROS, 3));
        }
    }

    void record(SipStage stage, long nanos) {
        histograms.get(stage).recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1_000)));
    }

    void failed(String what) {
        turnsFailed.incrementAndGet();
        failures.computeIfAbsent(what.length() > 200 ? what.substring(0, 200) : what, k -> new AtomicInteger()).incrementAndGet();
    }

    /** A copy of the stage's histogram, safe to read while recording goes on. */
    Histogram histogram(SipStage stage) {
        return histograms.get(stage).copy();
    }
}
