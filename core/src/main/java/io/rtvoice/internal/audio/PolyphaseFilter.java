package io.rtvoice.internal.audio;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable polyphase table of a Kaiser-windowed-sinc low-pass for rational resampling by
 * {@code up/down}: row {@code r} (of {@code phases + 1}) holds the kernel at fractional input offset
 * {@code r / phases}, {@link #taps()} coefficients, applied to {@code taps} consecutive input samples.
 *
 * <p>The passband ends at 0.90 and the stopband starts at 1.00 of the lower of the two Nyquist
 * frequencies, so nothing above the lower Nyquist folds back above {@code -attenuation} dB. Tables are
 * designed once per (ratio, phases, attenuation) and shared: see {@link #of}.
 */
public final class PolyphaseFilter {

    /** Passband edge as a fraction of the lower Nyquist frequency. */
    public static final double PASSBAND_FRACTION = 0.90;

    /** Beyond this many coefficients a table costs more memory than any sane ratio needs (16 MiB). */
    public static final int MAX_COEFFICIENTS = 1 << 22;

    private static final int CACHE_SIZE = 24;
    private static final Map<Key, PolyphaseFilter> CACHE = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, PolyphaseFilter> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private record Key(int up, int down, int phases, double attenuationDb) {}

    private final int up;
    private final int down;
    private final int phases;
    private final int taps;
    private final int delaySamples;
    private final float[] coefficients;

    private PolyphaseFilter(int up, int down, int phases, int taps, int delaySamples, float[] coefficients) {
        this.up = up;
        this.down = down;
        this.phases = phases;
        this.taps = taps;
        this.delaySamples = delaySamples;
        this.coefficients = coefficients;
    }

    /**
     * The shared table for resampling by {@code up/down} (already reduced) with {@code phases} rows per
     * input sample and a stopband {@code attenuationDb} down, designed on first use.
     *
     * @throws IllegalArgumentException if the table would exceed {@value #MAX_COEFFICIENTS} coefficients
     */
    public static PolyphaseFilter of(int up, int down, int phases, double attenuationDb) {
        Key key = new Key(up, down, phases, attenuationDb);
        synchronized (CACHE) {
            PolyphaseFilter cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
        }
        // Designed outside the lock: two threads may both design it once, which is harmless.
        PolyphaseFilter designed = design(up, down, phases, attenuationDb);
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(key, k -> designed);
        }
    }

    private static PolyphaseFilter design(int up, int down, int phases, double attenuationDb) {
        // Frequencies in cycles per input sample.
        double lowerNyquist = 0.5 * Math.min(1.0, (double) up / down);
        double transition = (1.0 - PASSBAND_FRACTION) * lowerNyquist;
        double cutoff = (1.0 + PASSBAND_FRACTION) / 2 * lowerNyquist;
        double length = (attenuationDb - 7.95) / (14.36 * transition);   // Kaiser's length estimate
        double halfWidth = length / 2;
        double beta = kaiserBeta(attenuationDb);

        double inputPerOutput = (double) down / up;
        long tapsNeeded = roundUp((long) Math.ceil(2 * halfWidth + 2 + inputPerOutput), 8);
        if (tapsNeeded * (phases + 1L) > MAX_COEFFICIENTS) {
            throw new IllegalArgumentException("ratio " + up + "/" + down + " needs " + tapsNeeded + " taps x "
                    + (phases + 1L) + " phases (expected: at most " + MAX_COEFFICIENTS + " coefficients)");
        }
        int taps = (int) tapsNeeded;
        // The delay, in output samples, is a whole number so that an impulse peaks on an output sample;
        // the kernel's centre sits at input offset `shift` within the window of `taps` inputs.
        int delaySamples = (int) Math.ceil((halfWidth + 1) * up / down);
        double shift = (taps - 1) - (double) delaySamples * down / up;

        double i0Beta = besselI0(beta);
        float[] coefficients = new float[(phases + 1) * taps];
        double[] row = new double[taps];
        for (int r = 0; r <= phases; r++) {
            double fraction = (double) r / phases;
            double sum = 0;
            for (int k = 0; k < taps; k++) {
                double t = fraction + shift - k;
                row[k] = kernel(t, cutoff, halfWidth, beta, i0Beta);
                sum += row[k];
            }
            // Unit DC gain in every phase: no fixed-pattern ripple at the output rate.
            for (int k = 0; k < taps; k++) {
                coefficients[r * taps + k] = (float) (row[k] / sum);
            }
        }
        return new PolyphaseFilter(up, down, phases, taps, delaySamples, coefficients);
    }

    private static double kernel(double t, double cutoff, double halfWidth, double beta, double i0Beta) {
        if (Math.abs(t) >= halfWidth) {
            return 0;
        }
        double x = 2 * cutoff * t;
        double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        double ratio = t / halfWidth;
        double window = besselI0(beta * Math.sqrt(1 - ratio * ratio)) / i0Beta;
        return 2 * cutoff * sinc * window;
    }

    /** Kaiser's rule for the window parameter that gives a stopband {@code attenuationDb} down. */
    static double kaiserBeta(double attenuationDb) {
        if (attenuationDb > 50) {
            return 0.1102 * (attenuationDb - 8.7);
        }
        if (attenuationDb >= 21) {
            return 0.5842 * Math.pow(attenuationDb - 21, 0.4) + 0.07886 * (attenuationDb - 21);
        }
        return 0;
    }

    /** The modified Bessel function of the first kind, order 0, by its power series. */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double halfX = x / 2;
        for (int k = 1; k < 500; k++) {
            term *= (halfX / k) * (halfX / k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static long roundUp(long value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /** Output samples per {@code up}; the reduced numerator of the ratio. */
    public int up() {
        return up;
    }

    /** Input samples per {@code down}; the reduced denominator of the ratio. */
    public int down() {
        return down;
    }

    /** Rows per input sample; row {@code phases()} is row 0 moved on by one input sample. */
    public int phases() {
        return phases;
    }

    /** Coefficients per row, a multiple of 8. */
    public int taps() {
        return taps;
    }

    /** Group delay in output samples (linear phase, so the same at every frequency). */
    public int delaySamples() {
        return delaySamples;
    }

    /**
     * The table itself, row-major, {@code (phases() + 1) * taps()} floats. Shared: callers must not
     * write to it.
     */
    public float[] coefficients() {
        return coefficients;
    }
}
