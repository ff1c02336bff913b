package io.rtvoice.audio;

/**
 * A snapshot of a {@link PlayoutBuffer}'s counters. Every count is in samples at {@code sampleRate} and is
 * measured on the reader's clock (samples read), never on wall time; the {@code …Millis()} methods convert.
 *
 * @param state the state when the snapshot was taken
 * @param sampleRate the buffer's rate in Hz
 * @param targetSamples the current pre-buffer target (grows and shrinks when the target is adaptive)
 * @param levelSamples samples buffered now
 * @param peakLevelSamples the most samples ever buffered at once
 * @param writtenSamples samples accepted from the writer
 * @param playedSamples real samples handed to the reader, faded ones included; a flush's fade-out counts from
 *     the moment of the flush, as in {@link FlushResult}
 * @param concealedSamples silence handed to the reader because of underruns (not the initial pre-buffer wait)
 * @param discardedSamples samples thrown away by flushes
 * @param ignoredSamples samples written for items that were flushed or ignored
 * @param droppedSamples samples refused because the buffer was full
 * @param readSamples all samples handed to the reader, real or silence: the reader's clock
 * @param underruns times playback ran dry before the end of a stream
 * @param overflows writes refused because the buffer was full
 * @param flushes calls of {@link PlayoutBuffer#flush()}
 * @param startupLatencySamples for the latest stream, reader-clock samples from its first write to its first
 *     real sample being read; -1 before any
 * @param meanDelaySamples mean over played samples of (reader clock when read − reader clock when written):
 *     the latency the buffer adds; 0 before any
 * @param lastDelaySamples that delay for the latest played sample; 0 before any
 */
public record PlayoutStats(
        PlayoutBuffer.State state,
        int sampleRate,
        long targetSamples,
        long levelSamples,
        long peakLevelSamples,
        long writtenSamples,
        long playedSamples,
        long concealedSamples,
        long discardedSamples,
        long ignoredSamples,
        long droppedSamples,
        long readSamples,
        long underruns,
        long overflows,
        long flushes,
        long startupLatencySamples,
        double meanDelaySamples,
        long lastDelaySamples) {

    /** The pre-buffer target in milliseconds. */
    public double targetMillis() {
        return millis(targetSamples);
    }

    /** Audio buffered now, in milliseconds. */
    public double levelMillis() {
        return millis(levelSamples);
    }

    /** The most audio ever buffered, in milliseconds. */
    public double peakLevelMillis() {
        return millis(peakLevelSamples);
    }

    /** Silence played because of underruns, in milliseconds. */
    public double concealedMillis() {
        return millis(concealedSamples);
    }

    /** Startup latency of the latest stream in milliseconds; -1 before any. */
    public double startupLatencyMillis() {
        return startupLatencySamples < 0 ? -1 : millis(startupLatencySamples);
    }

    /** Mean latency added by the buffer, in milliseconds. */
    public double meanDelayMillis() {
        return meanDelaySamples * 1000.0 / sampleRate;
    }

    /** Delay of the latest played sample, in milliseconds. */
    public double lastDelayMillis() {
        return millis(lastDelaySamples);
    }

    private double millis(long samples) {
        return samples * 1000.0 / sampleRate;
    }
}
