package io.rtvoice.bench.audio;

import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.event.RealtimeAudioFormat;
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
 * The playout buffer in steady state at 24 kHz: one operation is what 100 ms of model audio costs, one
 * 100 ms delta written (2,400 samples) and ten 10 ms device periods read (240 samples each). The level
 * stays at the 200 ms pre-filled, so every read is real audio and nothing grows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlayoutBufferBenchmark {

    private static final int DELTA = 2_400;
    private static final int PERIOD = 240;

    private PlayoutBuffer buffer;
    private PlayoutBuffer byteBuffer;
    private short[] delta;
    private byte[] deltaBytes;
    private final short[] period = new short[PERIOD];
    private final byte[] periodBytes = new byte[2 * PERIOD];

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        delta = new short[DELTA];
        deltaBytes = new byte[2 * DELTA];
        for (int i = 0; i < DELTA; i++) {
            delta[i] = (short) random.nextInt(-8_000, 8_000);
            deltaBytes[2 * i] = (byte) delta[i];
            deltaBytes[2 * i + 1] = (byte) (delta[i] >> 8);
        }
        buffer = PlayoutBuffer.create(RealtimeAudioFormat.PCM_RATE_HZ);
        byteBuffer = PlayoutBuffer.create(RealtimeAudioFormat.PCM_RATE_HZ);
        for (int i = 0; i < 2; i++) {
            buffer.write("item_bench", delta);
            byteBuffer.write("item_bench", deltaBytes);
        }
    }

    /** Write a 100 ms delta as {@code short[]}, read ten 10 ms periods into a {@code short[]}. */
    @Benchmark
    public int write100msRead10Periods() {
        buffer.write("item_bench", delta, 0, DELTA);
        int real = 0;
        for (int i = 0; i < 10; i++) {
            real += buffer.read(period, 0, PERIOD);
        }
        return real + period[PERIOD - 1];
    }

    /**
     * The same with PCM16 little-endian bytes on both sides: a decoded delta in, a device line's byte
     * buffer out.
     */
    @Benchmark
    public int write100msBytesRead10PeriodsBytes() {
        byteBuffer.write("item_bench", deltaBytes, 0, deltaBytes.length);
        int real = 0;
        for (int i = 0; i < 10; i++) {
            real += byteBuffer.read(periodBytes, 0, periodBytes.length);
        }
        return real + periodBytes[2 * PERIOD - 1];
    }
}
