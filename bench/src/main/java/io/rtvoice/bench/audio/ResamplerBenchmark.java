package io.rtvoice.bench.audio;

import io.rtvoice.audio.Resampler;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One 20 ms block of mono audio through a running {@link Resampler} per operation, float and PCM16, per
 * preset and ratio. Real-time factor = 20,000,000 ns / (ns/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ResamplerBenchmark {

    /** {@code input:output} in Hz. */
    @Param({"48000:24000", "44100:24000", "24000:48000", "16000:24000", "8000:24000"})
    public String rates;

    @Param({"FAST", "BALANCED", "BEST"})
    public Resampler.Quality quality;

    private Resampler floatResampler;
    private Resampler pcmResampler;
    private Resampler adjustedResampler;
    private float[] floatIn;
    private float[] floatOut;
    private short[] pcmIn;
    private short[] pcmOut;

    @Setup
    public void setUp() {
        String[] parts = rates.split(":");
        int inputRateHz = Integer.parseInt(parts[0]);
        int outputRateHz = Integer.parseInt(parts[1]);
        floatResampler = Resampler.create(inputRateHz, outputRateHz, quality);
        pcmResampler = Resampler.create(inputRateHz, outputRateHz, quality);
        adjustedResampler = Resampler.create(inputRateHz, outputRateHz, quality);
        adjustedResampler.setRatioAdjustment(100);

        int blockSamples = inputRateHz / 50;
        SplittableRandom random = new SplittableRandom(5);
        floatIn = new float[blockSamples];
        pcmIn = new short[blockSamples];
        for (int i = 0; i < blockSamples; i++) {
            // Speech-like level: a tone plus noise, well inside full scale.
            floatIn[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / inputRateHz) + random.nextDouble(-0.1, 0.1));
            pcmIn[i] = (short) Math.round(floatIn[i] * 32767);
        }
        floatOut = new float[floatResampler.maxOutput(blockSamples)];
        pcmOut = new short[pcmResampler.maxOutput(blockSamples)];
    }

    /** 20 ms of float samples; returns the samples written (JMH consumes it). */
    @Benchmark
    public int float20ms() {
        return floatResampler.process(floatIn, 0, floatIn.length, floatOut, 0);
    }

    /** 20 ms of float samples with a +100 ppm drift correction: the interpolating path. */
    @Benchmark
    public int floatAdjusted20ms() {
        return adjustedResampler.process(floatIn, 0, floatIn.length, floatOut, 0);
    }

    /** 20 ms of PCM16 samples, rounded and saturated on the way out. */
    @Benchmark
    public int pcm16_20ms() {
        return pcmResampler.process(pcmIn, 0, pcmIn.length, pcmOut, 0);
    }
}
