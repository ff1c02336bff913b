package io.rtvoice.audio;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.rtvoice.audio.Resampler.Quality;
import io.rtvoice.internal.audio.PolyphaseFilter;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Fuzzed rates (realistic, odd and invalid), preset, ratio adjustment, signal and the cuts of that signal
 * into {@code process} calls (including empty and one-sample calls). What must hold:
 *
 * <ul>
 *   <li>no throwable but the documented ones: {@link IllegalArgumentException} from {@code create} for a
 *       rate outside 1..{@value Resampler#MAX_RATE_HZ} Hz or a ratio whose table would exceed 16 MiB, and
 *       from {@code setRatioAdjustment} for a ppm out of range; {@link IllegalStateException} for an
 *       adjustment of a pass-through;</li>
 *   <li>every output sample finite and, for input within [-1, 1], within the filter's bound: an output
 *       is a dot product of one table row (or a blend of two adjacent rows) with the input window, so
 *       its magnitude is at most the largest row's sum of |coefficient|, reached by the input whose
 *       signs match the row's. The bound allows the float sums' rounding on top;</li>
 *   <li>after {@code m} input samples, exactly {@code ceil(m L / M)} outputs without an adjustment, and
 *       {@code ceil(m L / M (1 + ppm 1e-6))} (to within rounding of the position) with one; {@code drain}
 *       writes {@link Resampler#delaySamples()};</li>
 *   <li>the same output, bit for bit, however the input is cut into calls (float and PCM16 paths);
 *       equal rates copy.</li>
 * </ul>
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the seeds in {@code ResamplerFuzzTestInputs}; with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}.
 */
class ResamplerFuzzTest {

    private static final int[] RATES = {
        1, 2, 3, 5, 7, 11, 97, 100, 440, 1000, 4000, 6000, 7999, 8000, 8001, 11_025, 12_000, 16_000, 22_050,
        24_000, 32_000, 37_800, 44_056, 44_100, 47_999, 48_000, 48_001, 64_000, 88_200, 96_000, 176_400, 192_000,
    };
    private static final int[] INVALID_RATES = {Integer.MIN_VALUE, -48_000, -1, 0, Resampler.MAX_RATE_HZ + 1, Integer.MAX_VALUE};
    private static final double[] EDGE_PPM = {
        Resampler.MAX_ADJUSTMENT_PPM, -Resampler.MAX_ADJUSTMENT_PPM, 1e-9, -1e-9, Double.MIN_VALUE, 0.5, -250, 0,
    };
    private static final double[] INVALID_PPM = {
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Math.nextUp(Resampler.MAX_ADJUSTMENT_PPM),
        -Math.nextUp(Resampler.MAX_ADJUSTMENT_PPM), 1e6,
    };

    private static final int MAX_SAMPLES = 6_000;
    /** The most coefficients a table may have ({@code PolyphaseFilter}'s 16 MiB). */
    private static final int MAX_COEFFICIENTS = 1 << 22;
    /** Tables larger than this take too long to design for one fuzzing input (the design is instrumented). */
    private static final double MAX_DESIGNED = 100_000;
    /** Multiply-adds one pass over the signal may cost, so that every input runs in milliseconds. */
    private static final long MAX_WORK = 1_000_000L;

    @FuzzTest(maxDuration = "10s")
    void resamplingKeepsItsContractForAnyRatesAdjustmentSignalAndChunking(FuzzedDataProvider data) {
        int inRate = rate(data);
        int outRate = rate(data);
        Quality quality = data.pickValue(Quality.values());
        boolean validRates = valid(inRate) && valid(outRate);
        double tableSize = validRates ? tableSize(inRate, outRate, -1, quality) : 0;
        if (tableSize > 1.05 * MAX_COEFFICIENTS) {
            // Refused before the table is designed, so cheap: must be the documented refusal.
            try {
                Resampler.create(inRate, outRate, quality);
            } catch (IllegalArgumentException expected) {
                if (!expected.getMessage().contains("coefficients")) {
                    throw new AssertionError(inRate + " Hz to " + outRate + " Hz refused for no documented reason", expected);
                }
                return;
            }
            throw new AssertionError(inRate + " Hz to " + outRate + " Hz: a table of about " + (long) tableSize
                    + " coefficients accepted");
        }
        if (tableSize > MAX_DESIGNED) {
            return; // a slow design for one input: these ratios are ResamplerTest's
        }
        Resampler resampler;
        try {
            resampler = Resampler.create(inRate, outRate, quality);
        } catch (IllegalArgumentException e) {
            if (validRates && !e.getMessage().contains("coefficients")) {
                throw new AssertionError(inRate + " Hz to " + outRate + " Hz refused for no documented reason", e);
            }
            return;
        }
        if (!validRates) {
            throw new AssertionError(inRate + " Hz to " + outRate + " Hz accepted");
        }
        boolean passThrough = inRate == outRate;

        double ppm = adjustment(data);
        if (ppm != 0 && Math.abs(ppm) <= Resampler.MAX_ADJUSTMENT_PPM && !passThrough
                && tableSize(inRate, outRate, 256, quality) > MAX_DESIGNED) {
            ppm = 0; // the finer table would be slow to design; ResamplerTest covers such ratios
        }
        if (!(Math.abs(ppm) <= Resampler.MAX_ADJUSTMENT_PPM)) {
            try {
                resampler.setRatioAdjustment(ppm);
                throw new AssertionError(ppm + " ppm accepted");
            } catch (IllegalArgumentException expected) {
                ppm = 0;
            }
        } else if (ppm != 0 && passThrough) {
            try {
                resampler.setRatioAdjustment(ppm);
                throw new AssertionError(ppm + " ppm accepted by a pass-through");
            } catch (IllegalStateException expected) {
                ppm = 0;
            }
        } else if (ppm != 0) {
            resampler.setRatioAdjustment(ppm);
        }
        if (resampler.ratioAdjustmentPpm() != ppm) {
            throw new AssertionError("adjustment " + resampler.ratioAdjustmentPpm() + " ppm, expected " + ppm);
        }

        int gcd = gcd(inRate, outRate);
        long up = outRate / gcd;
        long down = inRate / gcd;
        PolyphaseFilter table = resampler.table();
        long perOutput = passThrough ? 1 : 2L * table.taps();
        long affordable = MAX_WORK / perOutput * down / up; // inputs whose outputs cost MAX_WORK
        int n = (int) Math.min(data.consumeInt(0, MAX_SAMPLES), Math.max(affordable, 1));
        float[] signal = signal(data.consumeInt(0, 5), data.consumeLong(), n, table);
        boolean pcm16 = data.consumeBoolean();
        int[] cuts = cuts(data, n);

        Stream whole = run(resampler, signal, new int[] {n}, up, down, ppm, pcm16);
        Stream chunked = run(resampler, signal, cuts, up, down, ppm, pcm16); // drain reset it: a new stream
        String what = inRate + " Hz to " + outRate + " Hz, " + quality + ", " + ppm + " ppm, " + n + " samples in "
                + Arrays.toString(cuts);
        if (!Arrays.equals(whole.floats, chunked.floats) || !Arrays.equals(whole.shorts, chunked.shorts)) {
            throw new AssertionError(what + ": the output depends on the cuts");
        }
        if (passThrough) {
            if (!Arrays.equals(whole.floats, signal)) {
                throw new AssertionError(what + ": equal rates did not copy");
            }
            return;
        }
        double bound = bound(table);
        for (int i = 0; i < whole.floats.length; i++) {
            float y = whole.floats[i];
            if (!Float.isFinite(y) || Math.abs(y) > bound) {
                throw new AssertionError(what + ": output " + i + " is " + y + " (bound +-" + bound + ")");
            }
        }
    }

    /** The float and (if asked for) PCM16 outputs of one pass over {@code signal}, drained, counts checked. */
    private record Stream(float[] floats, short[] shorts) {}

    private static Stream run(Resampler resampler, float[] signal, int[] cuts, long up, long down, double ppm,
            boolean pcm16) {
        float[] floats = new float[16];
        short[] pcm = new short[signal.length];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) Math.round(signal[i] * 32767);
        }
        short[] shorts = new short[16];
        int written = 0;
        int consumed = 0;
        for (int cut : cuts) {
            // Exactly maxOutput(cut) of room: a call that wrote more would throw.
            float[] out = new float[resampler.maxOutput(cut)];
            int n = resampler.process(signal, consumed, cut, out, 0);
            floats = append(floats, written, out, n);
            written += n;
            consumed += cut;
            checkCount(resampler, consumed, written, up, down, ppm);
        }
        int tail = resampler.drain(floats = Arrays.copyOf(floats, written + resampler.delaySamples()), written);
        if (tail != resampler.delaySamples()) {
            throw new AssertionError("drain wrote " + tail + ", delaySamples() is " + resampler.delaySamples());
        }
        floats = Arrays.copyOf(floats, written + tail);
        if (!pcm16) {
            return new Stream(floats, new short[0]);
        }

        int writtenShorts = 0;
        consumed = 0;
        for (int cut : cuts) {
            short[] out = new short[resampler.maxOutput(cut)];
            int n = resampler.process(pcm, consumed, cut, out, 0);
            if (shorts.length < writtenShorts + n) {
                shorts = Arrays.copyOf(shorts, Math.max(2 * shorts.length, writtenShorts + n));
            }
            System.arraycopy(out, 0, shorts, writtenShorts, n);
            writtenShorts += n;
            consumed += cut;
            checkCount(resampler, consumed, writtenShorts, up, down, ppm);
        }
        shorts = Arrays.copyOf(shorts, writtenShorts + resampler.delaySamples());
        writtenShorts += resampler.drain(shorts, writtenShorts);
        return new Stream(floats, Arrays.copyOf(shorts, writtenShorts));
    }

    private static void checkCount(Resampler resampler, long consumed, long written, long up, long down, double ppm) {
        if (up == down) {
            if (written != consumed) {
                throw new AssertionError(consumed + " samples copied to " + written);
            }
        } else if (ppm == 0) {
            long expected = (consumed * up + down - 1) / down;
            if (written != expected) {
                throw new AssertionError(consumed + " samples in, " + written + " out (expected ceil(n L / M) = "
                        + expected + ")");
            }
        } else {
            // Output k is due once input floor(k * step) has arrived, step = M / L / (1 + ppm 1e-6).
            double exact = consumed * ((double) up / down) * (1 + ppm * 1e-6);
            double slack = 1e-9 * (exact + 1);
            if (written < exact - slack || written > exact + 1 + slack) {
                throw new AssertionError(consumed + " samples in, " + written + " out at " + ppm
                        + " ppm (expected ceil(" + exact + "))");
            }
        }
    }

    /**
     * The largest |output| a window of samples within [-1, 1] can give: the largest sum of |coefficient|
     * over the rows of the table in use (an interpolated row is a convex blend of two adjacent rows, so
     * no larger), plus the rounding of the float sums: at most {@code taps + 8} roundings of 2^-24
     * relative each, accumulated over sums no larger than that row sum, and of the blend.
     */
    private static double bound(PolyphaseFilter table) {
        double rounding = (table.taps() + 8) * Math.ulp(1f);
        return largestRowSum(table) * (1 + rounding) + 1e-6;
    }

    private static double largestRowSum(PolyphaseFilter table) {
        float[] h = table.coefficients();
        int taps = table.taps();
        double largest = 0;
        for (int row = 0; row <= table.phases(); row++) {
            double sum = 0;
            for (int k = 0; k < taps; k++) {
                sum += Math.abs(h[row * taps + k]);
            }
            largest = Math.max(largest, sum);
        }
        return largest;
    }

    /**
     * About how many coefficients the table for this ratio has, by the design's Kaiser length estimate:
     * {@code (phases + 1)} rows of {@code (A - 7.95) / (14.36 x transition) + 2 + M / L} taps, where the
     * transition is a tenth of the lower Nyquist frequency. {@code phases} -1 means the exact table's L;
     * otherwise the fewest rows per input sample of the adjusted table, rounded up to a multiple of L.
     */
    private static double tableSize(int inRate, int outRate, int phases, Quality quality) {
        int gcd = gcd(inRate, outRate);
        long up = outRate / gcd;
        long down = inRate / gcd;
        double lowerNyquist = 0.5 * Math.min(1.0, (double) up / down);
        double taps = (quality.stopbandDb() - 7.95) / (14.36 * 0.1 * lowerNyquist) + 2 + (double) down / up;
        long rows = phases < 0 || up >= phases ? up : (phases + up - 1) / up * up;
        return taps * (rows + 1);
    }

    private static int rate(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 7)) {
            case 0 -> data.consumeInt(1, 192_000);
            case 1 -> data.pickValue(INVALID_RATES);
            default -> data.pickValue(RATES);
        };
    }

    private static boolean valid(int rate) {
        return rate >= 1 && rate <= Resampler.MAX_RATE_HZ;
    }

    private static double adjustment(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 1 -> data.consumeRegularDouble(-Resampler.MAX_ADJUSTMENT_PPM, Resampler.MAX_ADJUSTMENT_PPM);
            case 2 -> data.pickValue(EDGE_PPM);
            case 3 -> data.pickValue(INVALID_PPM);
            default -> 0;
        };
    }

    /**
     * A signal within [-1, 1]: noise, full-scale Nyquist, the signs of the table's first row repeated
     * (the input that drives an output to the bound), a full-scale step, a tone or a sparse click train.
     */
    private static float[] signal(int kind, long seed, int n, PolyphaseFilter table) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        double frequency = random.nextDouble(0, 0.5);
        for (int i = 0; i < n; i++) {
            x[i] = switch (kind) {
                case 0 -> (float) random.nextDouble(-1, 1);
                case 1 -> (i & 1) == 0 ? 1f : -1f;
                case 2 -> table == null ? 1f : Math.signum(table.coefficients()[i % table.taps()]);
                case 3 -> i < n / 2 ? -1f : 1f;
                case 4 -> (float) Math.sin(2 * Math.PI * frequency * i);
                default -> random.nextInt(64) == 0 ? (random.nextBoolean() ? 1f : -1f) : 0f;
            };
        }
        return x;
    }

    /** Cuts of {@code n} samples into calls: fuzzed sizes, 0 and 1 included; the rest in one call. */
    private static int[] cuts(FuzzedDataProvider data, int n) {
        int[] cuts = new int[8];
        int count = 0;
        int left = n;
        while (data.remainingBytes() > 0 && count < 512) {
            int cut = switch (data.consumeInt(0, 3)) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> data.consumeInt(0, 64);
                default -> data.consumeInt(0, 5_000);
            };
            cut = Math.min(cut, left);
            if (count == cuts.length) {
                cuts = Arrays.copyOf(cuts, 2 * count);
            }
            cuts[count++] = cut;
            left -= cut;
        }
        if (count == cuts.length) {
            cuts = Arrays.copyOf(cuts, count + 1);
        }
        cuts[count++] = left;
        return Arrays.copyOf(cuts, count);
    }

    private static float[] append(float[] to, int at, float[] from, int n) {
        float[] grown = to.length >= at + n ? to : Arrays.copyOf(to, Math.max(2 * to.length, at + n));
        System.arraycopy(from, 0, grown, at, n);
        return grown;
    }

    private static int gcd(int a, int b) {
        return java.math.BigInteger.valueOf(a).gcd(java.math.BigInteger.valueOf(b)).intValue(); // not the code under test
    }
}
