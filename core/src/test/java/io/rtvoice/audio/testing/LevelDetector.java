package io.rtvoice.audio.testing;

import io.rtvoice.audio.spi.VoiceActivityDetector;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simplest real voice activity detector, for tests that need its decisions to be exact: a frame is
 * speech (probability 1) when its RMS level is above a fixed level in dBFS, silence (0) otherwise. No
 * memory from frame to frame, so where speech starts and stops follows from the signal alone.
 */
public final class LevelDetector implements VoiceActivityDetector {

    private final int frame;
    private final double thresholdPower; // mean square, full scale 1.0
    private final AtomicInteger closes;

    private LevelDetector(int sampleRateHz, double thresholdDbfs, AtomicInteger closes) {
        this.frame = sampleRateHz / 100;
        this.thresholdPower = Math.pow(10, thresholdDbfs / 10);
        this.closes = closes;
    }

    /** Detectors deciding at {@code thresholdDbfs}; {@code closes} counts the ones closed. */
    public static Factory factory(double thresholdDbfs, AtomicInteger closes) {
        return rate -> {
            if (rate % 100 != 0) {
                throw new IllegalArgumentException("not a whole number of samples per 10 ms: " + rate);
            }
            return new LevelDetector(rate, thresholdDbfs, closes);
        };
    }

    /** Detectors deciding at {@code thresholdDbfs}. */
    public static Factory factory(double thresholdDbfs) {
        return factory(thresholdDbfs, new AtomicInteger());
    }

    @Override
    public float speechProbability(short[] samples, int offset) {
        double sum = 0;
        for (int i = offset; i < offset + frame; i++) {
            double x = samples[i] / 32768.0;
            sum += x * x;
        }
        return sum / frame > thresholdPower ? 1f : 0f;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
