package io.rtvoice.audio;

import io.rtvoice.internal.audio.PolyphaseFilter;
import java.util.Arrays;
import java.util.Objects;

/**
 * A streaming, stateful sample-rate converter for one mono stream: rational polyphase resampling with a
 * Kaiser-windowed-sinc low-pass, float arithmetic.
 *
 * <p>The ratio {@code outputRateHz / inputRateHz} is reduced to {@code L/M} and stepped with integer
 * phase accounting, so 44.1 kHz to 24 kHz (80/147) never drifts. The passband is flat to 0.90 of the
 * lower Nyquist frequency and the stopband starts at the lower Nyquist, so nothing above it aliases
 * (downsampling) or images (upsampling) above the preset's attenuation. Equal rates are a plain copy.
 *
 * <p>Streaming: the output does not depend on how the input is cut into calls — one sample at a time,
 * 20 ms blocks or all at once give bit-identical samples. After {@code n} input samples (without a
 * ratio adjustment), {@code ceil(n * L / M)} output samples have been written; {@link #drain} then writes the last
 * {@link #delaySamples()}, so a whole stream yields {@code ceil(n * L / M) + delaySamples()} samples, the
 * first {@code delaySamples()} of them the filter's start-up. Coefficient tables are designed once per
 * (ratio, quality) and shared by all instances; {@code process} allocates nothing.
 *
 * <p>Measured by {@code ResamplerTest} on 48 kHz and 44.1 kHz to 24 kHz, float path: SNR is THD+N of a
 * 1 kHz tone at -6 dBFS; alias is the output level of tones from 1.04 x the output Nyquist up to
 * 0.95 x the input Nyquist, relative to the tone; ripple is the largest gain error up to 0.9 x Nyquist.
 * Delay is {@link #delaySamples()} at 24 kHz out (24 kHz to 48 kHz: 89, 103, 131 samples, the same ms).
 * <table>
 *   <caption>Quality presets</caption>
 *   <tr><th>preset</th><th>design stopband</th><th>taps, 48k to 24k</th><th>delay</th>
 *       <th>SNR at 1 kHz</th><th>worst alias</th><th>passband ripple</th></tr>
 *   <tr><td>{@link Quality#FAST}</td><td>70 dB</td><td>184</td><td>44 samples, 1.8 ms</td>
 *       <td>107 dB</td><td>-75.8 dB</td><td>0.0024 dB</td></tr>
 *   <tr><td>{@link Quality#BALANCED}</td><td>80 dB</td><td>208</td><td>51 samples, 2.1 ms</td>
 *       <td>115 dB</td><td>-86.8 dB</td><td>0.0006 dB</td></tr>
 *   <tr><td>{@link Quality#BEST}</td><td>100 dB</td><td>264</td><td>65 samples, 2.7 ms</td>
 *       <td>126-139 dB (7 ratios)</td><td>-104.7 dB</td><td>0.0001 dB</td></tr>
 * </table>
 * Through PCM16 the 16-bit rounding dominates: 90.5-93.4 dB for a -6 dBFS tone at BEST, which is the
 * quantisation floor (the 16-bit output is the float result rounded to nearest, nothing more).
 *
 * <p>Clock-drift correction: {@link #setRatioAdjustment(double)} stretches the ratio by up to
 * {@value #MAX_ADJUSTMENT_PPM} ppm, interpolating linearly between the rows of a finer table (at least 256
 * phases per input sample, or as many as fit in 16 MiB when downsampling by more than about 130); +500 ppm
 * measured 133 dB SNR at 1 kHz. At 0 ppm the exact integer path is used. Equal rates are a pass-through
 * copy and cannot be adjusted.
 *
 * <p>Not thread-safe: one instance per stream.
 */
public final class Resampler {

    /** The highest sample rate accepted, in Hz. */
    public static final int MAX_RATE_HZ = 384_000;

    /** The largest ratio adjustment accepted by {@link #setRatioAdjustment(double)}, in ppm. */
    public static final double MAX_ADJUSTMENT_PPM = 1000;

    /** Fewest table rows per input sample when the ratio is adjusted for drift. */
    private static final int MIN_ADJUSTED_PHASES = 256;

    /** Samples beyond this magnitude (about 360 dB over full scale) could overflow float sums. */
    private static final float MAX_SAMPLE_MAGNITUDE = 1e18f;

    private static final int BLOCK_SAMPLES = 4096;

    /**
     * Ratios with at most this many phases use the vectorisable block kernel: their outputs of one phase
     * are many per block and evenly spaced in the input.
     */
    private static final int MAX_BLOCK_KERNEL_PHASES = 4;

    /** Outputs computed together by the block kernel. */
    private static final int BLOCK_OUTPUTS = 1024;

    /** Stopband attenuation presets; all keep the passband flat to 0.90 of the lower Nyquist. */
    public enum Quality {
        /** 70 dB stopband: the fewest taps, for when the CPU is scarce. */
        FAST(70),
        /** 80 dB stopband: inaudible aliasing for speech. */
        BALANCED(80),
        /** 100 dB stopband: beyond 16-bit audio. */
        BEST(100);

        private final double stopbandDb;

        Quality(double stopbandDb) {
            this.stopbandDb = stopbandDb;
        }

        /** The attenuation the filter is designed for, in dB. */
        public double stopbandDb() {
            return stopbandDb;
        }
    }

    private final int inputRateHz;
    private final int outputRateHz;
    private final Quality quality;
    private final int up;
    private final int down;
    private final boolean passThrough;

    private final PolyphaseFilter filter;
    private final float[] coefficients;
    private final int taps;
    private final int wholeStep;
    private final int remainderStep;

    /** Block kernel only: per phase residue, its first window start and phase; lanes; sums. */
    private final int[] residueStart;
    private final int[] residuePhase;
    private final float[] lanes;
    private final int laneCapacity;
    private final float[] sums;
    private final float[] sampleRun;

    /** Input history: samples [start, fill) are pending; [0, taps - 1) starts as silence. */
    private final float[] history;
    private final float[] scratch;
    private int fill;
    private int start;
    private int phase;

    private double adjustmentPpm;
    private PolyphaseFilter adjustedFilter;
    private double fraction;
    private double adjustedStep;

    private Resampler(int inputRateHz, int outputRateHz, Quality quality) {
        this.inputRateHz = inputRateHz;
        this.outputRateHz = outputRateHz;
        this.quality = quality;
        int gcd = gcd(inputRateHz, outputRateHz);
        this.up = outputRateHz / gcd;
        this.down = inputRateHz / gcd;
        this.passThrough = up == down;
        if (passThrough) {
            filter = null;
            coefficients = null;
            taps = 0;
            history = null;
            scratch = null;
        } else {
            filter = PolyphaseFilter.of(up, down, up, quality.stopbandDb());
            coefficients = filter.coefficients();
            taps = filter.taps();
            history = new float[taps + Math.max(BLOCK_SAMPLES, 2 * (down / up + 1))];
            scratch = new float[BLOCK_SAMPLES];
        }
        wholeStep = down / up;
        remainderStep = down % up;
        if (!passThrough && up <= MAX_BLOCK_KERNEL_PHASES) {
            residueStart = new int[up];
            residuePhase = new int[up];
            sums = new float[BLOCK_OUTPUTS];
            sampleRun = new float[BLOCK_OUTPUTS];
            // A block's window starts span at most (BLOCK_OUTPUTS - 1) * ceil(M/L) + taps samples.
            int span = (BLOCK_OUTPUTS - 1) * (wholeStep + 1) + taps;
            laneCapacity = down == 1 ? 0 : span / down + 2;
            lanes = down == 1 ? null : new float[down * laneCapacity];
        } else {
            residueStart = null;
            residuePhase = null;
            sums = null;
            sampleRun = null;
            laneCapacity = 0;
            lanes = null;
        }
        reset();
    }

    /**
     * A resampler from {@code inputRateHz} to {@code outputRateHz} at {@code quality}.
     *
     * @throws IllegalArgumentException if a rate is not in 1..{@value #MAX_RATE_HZ} Hz, or the reduced
     *     ratio is so awkward that its table would exceed 16 MiB
     */
    public static Resampler create(int inputRateHz, int outputRateHz, Quality quality) {
        checkRate("inputRateHz", inputRateHz);
        checkRate("outputRateHz", outputRateHz);
        Objects.requireNonNull(quality, "quality");
        return new Resampler(inputRateHz, outputRateHz, quality);
    }

    /** A resampler at {@link Quality#BEST}. */
    public static Resampler create(int inputRateHz, int outputRateHz) {
        return create(inputRateHz, outputRateHz, Quality.BEST);
    }

    /**
     * Resamples a whole signal at {@link Quality#BEST}, aligned with its input: the filter's delay is
     * removed and its tail drained, so the result has {@code ceil(n × outputRateHz / inputRateHz)} samples.
     * For streams, use an instance: this allocates.
     */
    public static short[] convert(short[] samples, int inputRateHz, int outputRateHz) {
        Resampler resampler = create(inputRateHz, outputRateHz);
        long expected = ((long) samples.length * outputRateHz + inputRateHz - 1) / inputRateHz;
        short[] out = new short[resampler.maxOutput(samples.length) + resampler.delaySamples()];
        int n = resampler.process(samples, 0, samples.length, out, 0);
        n += resampler.drain(out, n);
        int from = resampler.delaySamples();
        return Arrays.copyOfRange(out, from, from + (int) Math.min(expected, n - from));
    }

    /** The input rate, Hz. */
    public int inputRateHz() {
        return inputRateHz;
    }

    /** The output rate, Hz. */
    public int outputRateHz() {
        return outputRateHz;
    }

    /** The preset this resampler was made with. */
    public Quality quality() {
        return quality;
    }

    /**
     * The group delay in output samples: an impulse at input sample 0 peaks at output sample
     * {@code delaySamples()}, and every frequency is delayed the same (linear phase). 0 for equal rates.
     */
    public int delaySamples() {
        return passThrough ? 0 : filter.delaySamples();
    }

    /**
     * The most output samples one {@code process} call with {@code inLen} input samples can write, for
     * any state and any ratio adjustment: {@code floor(inLen * L / M * 1.001) + 2}, or {@code inLen} for
     * equal rates. The output array must have this much room.
     */
    public int maxOutput(int inLen) {
        if (inLen < 0) {
            throw new IllegalArgumentException("inLen : " + inLen + " (expected: >= 0)");
        }
        if (passThrough) {
            return inLen;
        }
        double most = Math.floor(inLen * ((double) up / down) * (1 + MAX_ADJUSTMENT_PPM * 1e-6)) + 2;
        if (most > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("inLen : " + inLen + " (expected: at most "
                    + (long) ((Integer.MAX_VALUE - 2) / ((double) up / down) / (1 + MAX_ADJUSTMENT_PPM * 1e-6))
                    + " so that the output fits an array)");
        }
        return (int) most;
    }

    /**
     * Resamples {@code inLen} float samples (full scale +-1.0) from {@code in[inOff]} and writes the
     * output samples that are now complete to {@code out[outOff]}.
     *
     * @return the number of samples written
     * @throws IllegalArgumentException if a range lies outside its array, {@code out} has less room than
     *     {@link #maxOutput(int) maxOutput(inLen)}, or an input sample is NaN, infinite or beyond
     *     +-1e18 (nothing is consumed or written then)
     */
    public int process(float[] in, int inOff, int inLen, float[] out, int outOff) {
        checkRange("in", in.length, inOff, inLen);
        checkRoom(out.length, outOff, maxOutput(inLen));
        for (int i = inOff, end = inOff + inLen; i < end; i++) {
            float sample = in[i];
            if (!(Math.abs(sample) <= MAX_SAMPLE_MAGNITUDE)) {
                throw new IllegalArgumentException("in[" + i + "] : " + sample
                        + " (expected: a finite sample within +-1e18)");
            }
        }
        if (passThrough) {
            System.arraycopy(in, inOff, out, outOff, inLen);
            return inLen;
        }
        int written = 0;
        while (inLen > 0) {
            int n = Math.min(inLen, history.length - fill);
            System.arraycopy(in, inOff, history, fill, n);
            fill += n;
            inOff += n;
            inLen -= n;
            written += produce(out, outOff + written, out.length - outOff - written);
            compact();
        }
        return written;
    }

    /**
     * Resamples {@code inLen} PCM16 samples from {@code in[inOff]} and writes the complete output
     * samples to {@code out[outOff]}, rounded to nearest and saturated at the 16-bit limits (never
     * wrapped).
     *
     * @return the number of samples written
     * @throws IllegalArgumentException if a range lies outside its array or {@code out} has less room
     *     than {@link #maxOutput(int) maxOutput(inLen)}
     */
    public int process(short[] in, int inOff, int inLen, short[] out, int outOff) {
        checkRange("in", in.length, inOff, inLen);
        checkRoom(out.length, outOff, maxOutput(inLen));
        if (passThrough) {
            System.arraycopy(in, inOff, out, outOff, inLen);
            return inLen;
        }
        int written = 0;
        while (inLen > 0) {
            int n = Math.min(inLen, history.length - fill);
            for (int i = 0; i < n; i++) {
                history[fill + i] = in[inOff + i] * (1f / 32768);
            }
            fill += n;
            inOff += n;
            inLen -= n;
            written += produceShorts(out, outOff + written, out.length - outOff - written);
            compact();
        }
        return written;
    }

    /**
     * Ends the stream: feeds silence until the last {@link #delaySamples()} output samples, which carry
     * the end of the input, are written to {@code out[outOff]}; then {@link #reset()}s.
     *
     * @return the number of samples written, {@code delaySamples()}
     * @throws IllegalArgumentException if {@code out} has less room than {@code delaySamples()}
     */
    public int drain(float[] out, int outOff) {
        checkRoom(out.length, outOff, delaySamples());
        int written = 0;
        while (written < delaySamples()) {
            feedSilence();
            written += produce(out, outOff + written, delaySamples() - written);
            compact();
        }
        reset();
        return written;
    }

    /** {@link #drain(float[], int)} for PCM16 output. */
    public int drain(short[] out, int outOff) {
        checkRoom(out.length, outOff, delaySamples());
        int written = 0;
        while (written < delaySamples()) {
            feedSilence();
            written += produceShorts(out, outOff + written, delaySamples() - written);
            compact();
        }
        reset();
        return written;
    }

    /**
     * Forgets all input: the next sample starts a new stream, as from a new instance. The ratio
     * adjustment is kept.
     */
    public void reset() {
        if (passThrough) {
            return;
        }
        Arrays.fill(history, 0, taps - 1, 0f);
        fill = taps - 1;
        start = 0;
        phase = 0;
        fraction = 0;
    }

    /**
     * Stretches the ratio for clock-drift correction: positive {@code ppm} makes {@code 1 + ppm * 1e-6}
     * times as many output samples. The change is seamless (the output position carries on); at 0 the
     * exact integer path is back, with the position rounded to the nearest exact phase.
     *
     * @param ppm parts per million, within +-{@value #MAX_ADJUSTMENT_PPM}
     * @throws IllegalArgumentException if {@code ppm} is not finite or out of range
     * @throws IllegalStateException if the rates are equal: a pass-through copy has no filter to adjust
     */
    public void setRatioAdjustment(double ppm) {
        if (!(Math.abs(ppm) <= MAX_ADJUSTMENT_PPM)) {
            throw new IllegalArgumentException("ppm : " + ppm + " (expected: within +-" + MAX_ADJUSTMENT_PPM + ")");
        }
        if (passThrough) {
            throw new IllegalStateException("a " + inputRateHz + " Hz to " + outputRateHz
                    + " Hz resampler is a pass-through copy; it cannot adjust its ratio");
        }
        if (ppm == adjustmentPpm) {
            return;
        }
        if (ppm == 0) {
            phase = (int) Math.round(fraction * up);
            if (phase == up) {
                phase = 0;
                start++;
            }
        } else {
            if (adjustmentPpm == 0) {
                fraction = (double) phase / up;
            }
            if (adjustedFilter == null) {
                adjustedFilter = PolyphaseFilter.of(up, down, adjustedPhases(), quality.stopbandDb());
            }
            adjustedStep = ((double) down / up) / (1 + ppm * 1e-6);
        }
        adjustmentPpm = ppm;
    }

    /**
     * Rows per input sample of the adjusted table: a multiple of L (so that the exact phases are rows of it
     * too), at least {@value #MIN_ADJUSTED_PHASES}, and fewer only where that table would pass the
     * coefficient limit. That happens only when downsampling by D = M / L of more than about 130 (BEST; 190
     * at FAST): the kernel has about 130 D taps at BEST, so some 32,000 / D rows fit, while the passband ends
     * at 0.45 / D cycles per input sample. That is about 70,000 rows per cycle of the highest passband
     * frequency, against some 570 for 256 rows at a ratio near 1, so the linear interpolation between rows is
     * finer still. The exact table fits, so L rows always do.
     */
    private int adjustedPhases() {
        int wanted = up >= MIN_ADJUSTED_PHASES ? up : up * ((MIN_ADJUSTED_PHASES + up - 1) / up);
        int fit = PolyphaseFilter.MAX_COEFFICIENTS / taps - 1; // (rows + 1) x taps coefficients
        return wanted <= fit ? wanted : Math.max(up, fit / up * up);
    }

    /** The current ratio adjustment in ppm; 0 unless {@link #setRatioAdjustment(double)} was called. */
    public double ratioAdjustmentPpm() {
        return adjustmentPpm;
    }

    /** The table the next output is computed with (the finer one while adjusted); null for equal rates. */
    PolyphaseFilter table() {
        return adjustmentPpm == 0 ? filter : adjustedFilter;
    }

    private void feedSilence() {
        int n = history.length - fill;
        Arrays.fill(history, fill, fill + n, 0f);
        fill += n;
    }

    private int produceShorts(short[] out, int outOff, int room) {
        int written = 0;
        while (true) {
            int n = produce(scratch, 0, Math.min(scratch.length, room - written));
            for (int i = 0; i < n; i++) {
                out[outOff + written + i] = toPcm16(scratch[i]);
            }
            written += n;
            if (n < scratch.length || written == room) {
                return written;
            }
        }
    }

    private static short toPcm16(float sample) {
        float scaled = sample * 32768f;
        // Round half away from zero, then saturate: a cast alone would wrap.
        scaled = scaled >= 0 ? scaled + 0.5f : scaled - 0.5f;
        if (scaled >= 32767f) {
            return Short.MAX_VALUE;
        }
        if (scaled <= -32768f) {
            return Short.MIN_VALUE;
        }
        return (short) (int) scaled;
    }

    /** Writes up to {@code limit} output samples whose whole input window is in the history. */
    private int produce(float[] out, int outOff, int limit) {
        return adjustmentPpm == 0 ? produceExact(out, outOff, limit) : produceAdjusted(out, outOff, limit);
    }

    private int produceExact(float[] out, int outOff, int limit) {
        if (sums != null) {
            int n = 0;
            while (n < limit) {
                int block = produceBlock(out, outOff + n, Math.min(limit - n, BLOCK_OUTPUTS));
                if (block == 0) {
                    break;
                }
                n += block;
            }
            return n;
        }
        final float[] h = coefficients;
        final float[] x = history;
        final int k = taps;
        final int lastStart = fill - k;
        int s = start;
        int p = phase;
        int n = 0;
        while (n < limit && s <= lastStart) {
            out[outOff + n++] = dot(h, p * k, x, s, k);
            p += remainderStep;
            s += wholeStep;
            if (p >= up) {
                p -= up;
                s++;
            }
        }
        start = s;
        phase = p;
        return n;
    }

    /**
     * The block kernel, for ratios with few phases: outputs that share a phase are {@code L} apart and
     * their windows {@code M} input samples apart, so after splitting the input into {@code M} lanes
     * each coefficient multiplies a contiguous run of samples into a contiguous run of sums, a loop the
     * JIT turns into SIMD. Every output is still the plain sum over k = 0..taps-1 in order, so its value
     * does not depend on which block it fell in.
     */
    private int produceBlock(float[] out, int outOff, int limit) {
        final int lastStart = fill - taps;
        int s = start;
        int p = phase;
        int count = 0;
        int lastWindow = s;
        while (count < limit && s <= lastStart) {
            if (count < up) {
                residueStart[count] = s;
                residuePhase[count] = p;
            }
            lastWindow = s;
            count++;
            p += remainderStep;
            s += wholeStep;
            if (p >= up) {
                p -= up;
                s++;
            }
        }
        if (count == 0) {
            return 0;
        }
        int origin = residueStart[0];
        float[] source;
        if (down == 1) {
            source = history;
        } else {
            int span = lastWindow - origin + taps;
            for (int m = 0; m < down; m++) {
                int laneOff = m * laneCapacity;
                for (int u = 0, i = origin + m; i < origin + span; u++, i += down) {
                    lanes[laneOff + u] = history[i];
                }
            }
            source = lanes;
        }
        final float[] h = coefficients;
        final float[] acc = sums;
        final float[] run = sampleRun;
        for (int r = 0; r < up && r < count; r++) {
            int outputs = (count - r + up - 1) / up;
            Arrays.fill(acc, 0, outputs, 0f);
            int offset = residueStart[r] - origin;
            int row = residuePhase[r] * taps;
            for (int k = 0; k < taps; k++) {
                int index = offset + k;
                int from = down == 1 ? origin + index : (index % down) * laneCapacity + index / down;
                // Copied to offset 0 first: JDK 17's SuperWord vectorises only loads and stores that
                // share their offset, and the copy plus a SIMD loop beats a scalar loop threefold.
                System.arraycopy(source, from, run, 0, outputs);
                multiplyAdd(acc, run, h[row + k], outputs);
            }
            for (int t = 0; t < outputs; t++) {
                out[outOff + r + up * t] = acc[t];
            }
        }
        start = s;
        phase = p;
        return count;
    }

    private static void multiplyAdd(float[] acc, float[] x, float c, int n) {
        for (int t = 0; t < n; t++) {
            acc[t] += c * x[t];
        }
    }

    private int produceAdjusted(float[] out, int outOff, int limit) {
        final float[] h = adjustedFilter.coefficients();
        final int phases = adjustedFilter.phases();
        final float[] x = history;
        final int k = taps;
        final int lastStart = fill - k;
        int s = start;
        double f = fraction;
        int n = 0;
        while (n < limit && s <= lastStart) {
            double position = f * phases;
            int row = (int) position;
            float weight = (float) (position - row);
            out[outOff + n++] = interpolatedDot(h, row * k, x, s, k, weight);
            f += adjustedStep;
            int whole = (int) f;
            s += whole;
            f -= whole;
        }
        start = s;
        fraction = f;
        return n;
    }

    /** Eight independent sums so the additions pipeline; {@code n} is a multiple of 8. */
    private static float dot(float[] h, int hOff, float[] x, int xOff, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        for (int i = 0; i < n; i += 8) {
            s0 += h[hOff + i] * x[xOff + i];
            s1 += h[hOff + i + 1] * x[xOff + i + 1];
            s2 += h[hOff + i + 2] * x[xOff + i + 2];
            s3 += h[hOff + i + 3] * x[xOff + i + 3];
            s4 += h[hOff + i + 4] * x[xOff + i + 4];
            s5 += h[hOff + i + 5] * x[xOff + i + 5];
            s6 += h[hOff + i + 6] * x[xOff + i + 6];
            s7 += h[hOff + i + 7] * x[xOff + i + 7];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** The dot products with rows {@code hOff} and the next, blended by {@code weight} (0..1). */
    private static float interpolatedDot(float[] h, int hOff, float[] x, int xOff, int n, float weight) {
        int nextOff = hOff + n;
        float a0 = 0;
        float a1 = 0;
        float a2 = 0;
        float a3 = 0;
        float b0 = 0;
        float b1 = 0;
        float b2 = 0;
        float b3 = 0;
        for (int i = 0; i < n; i += 4) {
            float x0 = x[xOff + i];
            float x1 = x[xOff + i + 1];
            float x2 = x[xOff + i + 2];
            float x3 = x[xOff + i + 3];
            a0 += h[hOff + i] * x0;
            a1 += h[hOff + i + 1] * x1;
            a2 += h[hOff + i + 2] * x2;
            a3 += h[hOff + i + 3] * x3;
            b0 += h[nextOff + i] * x0;
            b1 += h[nextOff + i + 1] * x1;
            b2 += h[nextOff + i + 2] * x2;
            b3 += h[nextOff + i + 3] * x3;
        }
        float a = (a0 + a1) + (a2 + a3);
        float b = (b0 + b1) + (b2 + b3);
        return a + weight * (b - a);
    }

    /** Moves the pending samples to the front of the history. */
    private void compact() {
        if (start > 0) {
            System.arraycopy(history, start, history, 0, fill - start);
            fill -= start;
            start = 0;
        }
    }

    private static void checkRate(String name, int rateHz) {
        if (rateHz < 1 || rateHz > MAX_RATE_HZ) {
            throw new IllegalArgumentException(name + " : " + rateHz + " (expected: 1.." + MAX_RATE_HZ + " Hz)");
        }
    }

    private static void checkRange(String name, int length, int off, int len) {
        if (off < 0 || len < 0 || off > length - len) {
            throw new IllegalArgumentException(name + "Off : " + off + ", " + name + "Len : " + len + ", " + name
                    + ".length : " + length + " (expected: 0 <= " + name + "Off <= " + name + "Off + " + name
                    + "Len <= " + name + ".length)");
        }
    }

    private static void checkRoom(int length, int off, int needed) {
        if (off < 0 || off > length) {
            throw new IllegalArgumentException("outOff : " + off + ", out.length : " + length
                    + " (expected: 0 <= outOff <= out.length)");
        }
        if (length - off < needed) {
            throw new IllegalArgumentException("out has room for " + (length - off) + " samples after outOff "
                    + off + " (expected: >= " + needed + ", see maxOutput)");
        }
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
