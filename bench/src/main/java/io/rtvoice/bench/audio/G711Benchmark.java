package io.rtvoice.bench.audio;

import io.rtvoice.audio.G711;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * G.711 on one 20 ms telephony frame (160 samples at 8 kHz) of speech-level noise, into preallocated
 * arrays as the audio path uses it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class G711Benchmark {

    private static final int FRAME = 160;

    private final short[] pcm = new short[FRAME];
    private final short[] pcmOut = new short[FRAME];
    private final byte[] muLaw = new byte[FRAME];
    private final byte[] aLaw = new byte[FRAME];
    private final byte[] codesOut = new byte[FRAME];

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < FRAME; i++) {
            // Roughly Gaussian with a wide spread, so every segment is exercised.
            double g = random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5;
            pcm[i] = (short) Math.max(-32_768, Math.min(32_767, g * 12_000));
        }
        G711.encodeMuLaw(pcm, 0, muLaw, 0, FRAME);
        G711.encodeALaw(pcm, 0, aLaw, 0, FRAME);
    }

    /** Encode 20 ms to μ-law. */
    @Benchmark
    public byte[] encodeMuLaw20ms() {
        G711.encodeMuLaw(pcm, 0, codesOut, 0, FRAME);
        return codesOut;
    }

    /** Decode 20 ms of μ-law. */
    @Benchmark
    public short[] decodeMuLaw20ms() {
        G711.decodeMuLaw(muLaw, 0, pcmOut, 0, FRAME);
        return pcmOut;
    }

    /** Encode 20 ms to A-law. */
    @Benchmark
    public byte[] encodeALaw20ms() {
        G711.encodeALaw(pcm, 0, codesOut, 0, FRAME);
        return codesOut;
    }

    /** Decode 20 ms of A-law. */
    @Benchmark
    public short[] decodeALaw20ms() {
        G711.decodeALaw(aLaw, 0, pcmOut, 0, FRAME);
        return pcmOut;
    }
}
