package io.rtvoice.telephony.internal;

import java.time.Duration;

/** Nearest-rank percentiles of a call's few latency samples (a handful per call: no histogram needed). */
final class Percentiles {

    private Percentiles() {
    }

    /** The {@code p}th percentile of {@code sortedMicros}, or null without samples. */
    static Duration of(long[] sortedMicros, int p) {
        if (sortedMicros.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedMicros.length);
        return Duration.ofNanos(sortedMicros[Math.max(0, rank - 1)] * 1_000);
    }
}
