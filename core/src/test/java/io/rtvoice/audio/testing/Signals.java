package io.rtvoice.audio.testing;

import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Wav;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test signals and measurements shared by the audio tests of core and the backends (core's test jar). */
public final class Signals {

    private Signals() {
    }

    /** {@code seconds} of a sine at {@code frequency} Hz and {@code amplitude} (full scale 1.0), as PCM16. */
    public static short[] tone(double frequency, int rate, double amplitude, double seconds) {
        short[] samples = new short[(int) Math.round(rate * seconds)];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) Math.round(32767 * amplitude * Math.sin(2 * Math.PI * frequency * i / rate));
        }
        return samples;
    }

    /** The tone at {@code frequency} fitted to {@code samples} (PCM16), ignoring {@code skip} at each end. */
    public static ToneFit fit(short[] samples, double frequency, int rate, int skip) {
        return ToneFit.of(Pcm.toFloats(samples), frequency / rate, skip);
    }

    /** Root-mean-square level in dB relative to full scale. */
    public static double rmsDbfs(short[] samples, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double x = samples[i] / 32768.0;
            sum += x * x;
        }
        return 10 * Math.log10(sum / Math.max(1, to - from) + 1e-30);
    }

    /** The first index from which {@code window} samples have an RMS above {@code dbfs}, or -1. */
    public static int onset(short[] samples, int window, double dbfs) {
        for (int i = 0; i + window <= samples.length; i += window / 4) {
            if (rmsDbfs(samples, i, i + window) > dbfs) {
                return i;
            }
        }
        return -1;
    }

    /** Best normalised cross-correlation of {@code b} against {@code a} for lags 0..maxLag; [correlation, lag]. */
    public static double[] bestCorrelation(short[] a, short[] b, int maxLag) {
        double best = -2;
        int bestLag = 0;
        for (int lag = 0; lag <= maxLag; lag++) {
            int n = Math.min(a.length, b.length - lag);
            if (n <= 0) {
                break;
            }
            double ab = 0;
            double aa = 0;
            double bb = 0;
            for (int i = 0; i < n; i++) {
                double x = a[i];
                double y = b[i + lag];
                ab += x * y;
                aa += x * x;
                bb += y * y;
            }
            double c = ab / Math.sqrt(aa * bb + 1e-30);
            if (c > best) {
                best = c;
                bestLag = lag;
            }
        }
        return new double[] {best, bestLag};
    }

    /** Set by {@code .ci/run}: audio tools and devices must be there, so a missing one fails a test instead of skipping it. */
    public static final boolean AUDIO_REQUIRED = "1".equals(System.getenv("RTVOICE_REQUIRE_AUDIO"));

    /**
     * Goes on when {@code available}; otherwise fails the test in CI ({@link #AUDIO_REQUIRED}) and skips it
     * elsewhere — so {@code mvn verify} passes on a machine with only Java and Maven.
     */
    public static void requireAudio(boolean available, String what) {
        if (available) {
            return;
        }
        if (AUDIO_REQUIRED) {
            org.junit.jupiter.api.Assertions.fail(what + " is missing, and RTVOICE_REQUIRE_AUDIO=1 says it must be here");
        }
        org.junit.jupiter.api.Assumptions.abort(what + " is missing: skipped (set up by .ci/run in CI)");
    }

    /**
     * Real speech: espeak-ng says {@code text} into {@code wav} (22,050 Hz mono PCM16). Skips the test
     * when espeak-ng is not installed, unless {@link #AUDIO_REQUIRED}.
     */
    public static Wav.Audio speech(String text, Path wav) throws IOException, InterruptedException {
        Process espeak;
        try {
            espeak = new ProcessBuilder("espeak-ng", "-v", "en-us", "-s", "160", "-w", wav.toString(), text)
                    .redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            requireAudio(false, "espeak-ng");
            throw notInstalled;
        }
        String output = new String(espeak.getInputStream().readAllBytes());
        if (!espeak.waitFor(60, TimeUnit.SECONDS) || espeak.exitValue() != 0) {
            throw new IllegalStateException("espeak-ng failed: " + output);
        }
        return Wav.read(wav);
    }
}
