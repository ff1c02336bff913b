package io.rtvoice.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.rtvoice.audio.Resampler.Quality;
import io.rtvoice.internal.audio.PolyphaseFilter;
import java.util.Arrays;
import io.rtvoice.audio.testing.ToneFit;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quality figures measured on generated signals: SNR (THD+N by a least-squares fit of the known tone),
 * alias and image rejection, passband flatness, plus the streaming contract and argument checks.
 */
class ResamplerTest {

    /** -6 dBFS. */
    private static final double AMPLITUDE = 0.5;
    private static final double SECONDS = 1.0;

    static Stream<Arguments> ratios() {
        return Stream.of(
                Arguments.of(48_000, 24_000),
                Arguments.of(44_100, 24_000),
                Arguments.of(24_000, 48_000),
                Arguments.of(16_000, 24_000),
                Arguments.of(8_000, 24_000),
                Arguments.of(24_000, 16_000),
                Arguments.of(22_050, 24_000));
    }

    // ---------------------------------------------------------------- quality

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("ratios")
    void oneKilohertzToneIsCleanOnTheFloatPath(int inRate, int outRate) {
        Resampler resampler = Resampler.create(inRate, outRate, Quality.BEST);
        float[] out = resampleWhole(resampler, tone(1000, inRate, AMPLITUDE, SECONDS));

        ToneFit fit = ToneFit.of(out, 1000.0 / outRate, skip(resampler));
        System.out.printf("SNR float %6d -> %6d: %.1f dB%n", inRate, outRate, fit.snrDb());
        assertThat(fit.snrDb()).isGreaterThanOrEqualTo(110);
        assertThat(fit.amplitude()).isCloseTo(AMPLITUDE, within(AMPLITUDE * 1e-4));
    }

    /**
     * Through 16 bits the tone is rounded twice (input and output). For a -6 dBFS tone that bounds the SNR
     * at about 89 dB whatever the resampler does (one rounding: 6.02 * 16 + 1.76 - 6.02 = 92.1 dB; two:
     * 89.1 dB), so 95 dB is out of reach for any PCM16 converter. What the test holds the resampler to:
     * at least 88 dB, and every output sample is exactly the float path's result on the same input,
     * rounded to nearest: the 16-bit path adds nothing but its one output rounding.
     */
    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("ratios")
    void oneKilohertzToneIsAtTheQuantisationFloorOnThePcm16Path(int inRate, int outRate) {
        short[] in = toPcm16(tone(1000, inRate, AMPLITUDE, SECONDS));
        Resampler resampler = Resampler.create(inRate, outRate, Quality.BEST);
        short[] out = resampleWhole(resampler, in);
        float[] exact = resampleWhole(Resampler.create(inRate, outRate, Quality.BEST), toFloat(in));

        double snr = ToneFit.of(toFloat(out), 1000.0 / outRate, skip(resampler)).snrDb();
        double ideal = ToneFit.of(toFloat(toPcm16(tone(1000, outRate, AMPLITUDE, SECONDS))), 1000.0 / outRate, 0).snrDb();
        System.out.printf("SNR pcm16 %6d -> %6d: %.1f dB (one ideal rounding: %.1f dB)%n", inRate, outRate, snr, ideal);
        assertThat(snr).isGreaterThanOrEqualTo(88);
        assertThat(out).hasSameSizeAs(exact);
        for (int i = 0; i < out.length; i++) {
            assertThat(out[i]).isEqualTo((short) Math.round(exact[i] * 32768.0));
        }
    }

    /**
     * The figure: a near-full-scale (-0.5 dBFS) tone resampled at BEST and delivered as PCM16
     * reaches >= 95 dB SNR, within about 2.6 dB of what 16 bits can hold at that level (6.02 * 16 + 1.76
     * - 0.5 = 97.6 dB). The source is exact (float), as from a microphone's float or 24-bit samples;
     * with a 16-bit source the floor is the two roundings above.
     */
    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("ratios")
    void aNearFullScaleToneReachesNinetyFiveDecibelsInSixteenBits(int inRate, int outRate) {
        double amplitude = Math.pow(10, -0.5 / 20);
        Resampler resampler = Resampler.create(inRate, outRate, Quality.BEST);
        float[] out = resampleWhole(resampler, tone(1000, inRate, amplitude, SECONDS));

        double snr = ToneFit.of(toFloat(toPcm16(out)), 1000.0 / outRate, skip(resampler)).snrDb();
        System.out.printf("SNR -0.5 dBFS to pcm16 %6d -> %6d: %.1f dB%n", inRate, outRate, snr);
        assertThat(snr).isGreaterThanOrEqualTo(95);
    }

    static Stream<Arguments> aliasCases() {
        return Stream.of(
                Arguments.of(48_000, 24_000, new double[] {12_500, 13_000, 14_000, 16_000, 18_000, 20_000, 22_000, 23_000}),
                Arguments.of(44_100, 24_000, new double[] {12_500, 13_000, 14_000, 16_000, 18_000, 20_000, 21_000}),
                Arguments.of(24_000, 16_000, new double[] {8_400, 9_000, 10_000, 11_000, 11_500}));
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("aliasCases")
    void tonesAboveTheNewNyquistAreRemoved(int inRate, int outRate, double[] frequencies) {
        double worst = -999;
        for (double frequency : frequencies) {
            Resampler resampler = Resampler.create(inRate, outRate, Quality.BEST);
            float[] out = resampleWhole(resampler, tone(frequency, inRate, AMPLITUDE, 0.25));
            double level = rmsDb(out, skip(resampler)) - 20 * Math.log10(AMPLITUDE / Math.sqrt(2));
            worst = Math.max(worst, level);
        }
        System.out.printf("worst alias %6d -> %6d: %.1f dB%n", inRate, outRate, worst);
        assertThat(worst).isLessThanOrEqualTo(-90);
    }

    /** The whole-signal helper is aligned with its input: no delay, the expected length, the same tone. */
    @Test
    void convertIsAlignedWithItsInputAndHasTheExpectedLength() {
        short[] in = Pcm.fromFloats(tone(1_000, 22_050, AMPLITUDE, 0.5));
        short[] out = Resampler.convert(in, 22_050, 24_000);
        assertThat(out).hasSize((int) Math.ceil(in.length * 24_000 / 22_050.0));
        short[] back = Resampler.convert(out, 24_000, 22_050);
        assertThat(back).hasSize(in.length);
        // Away from the edges the round trip is the input itself, sample for sample (within the filter's error).
        for (int i = 500; i < in.length - 500; i++) {
            assertThat((int) back[i]).isCloseTo(in[i], within(3));
        }
        assertThat(Resampler.convert(in, 8_000, 8_000)).isEqualTo(in);
    }

    @Test
    void upsamplingRejectsTheImage() {
        Resampler resampler = Resampler.create(24_000, 48_000, Quality.BEST);
        float[] out = resampleWhole(resampler, tone(10_000, 24_000, AMPLITUDE, SECONDS));

        // Fitted jointly with the tone: over a finite window the 10 kHz tone leaks into a lone 14 kHz fit.
        double image = ToneFit.amplitudes(out, skip(resampler), 10_000.0 / 48_000, 14_000.0 / 48_000)[1];
        double imageDb = 20 * Math.log10(image / AMPLITUDE);
        System.out.printf("image of 10 kHz at 14 kHz, 24k -> 48k: %.1f dB%n", imageDb);
        assertThat(imageDb).isLessThanOrEqualTo(-90);
        assertThat(ToneFit.of(out, 10_000.0 / 48_000, skip(resampler)).snrDb()).isGreaterThanOrEqualTo(90);
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("ratios")
    void passbandIsFlatToNinetyPercentOfTheLowerNyquist(int inRate, int outRate) {
        double lowerNyquist = Math.min(inRate, outRate) / 2.0;
        double worst = 0;
        for (double fraction : new double[] {0.01, 0.1, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9}) {
            double frequency = fraction * lowerNyquist;
            Resampler resampler = Resampler.create(inRate, outRate, Quality.BEST);
            float[] out = resampleWhole(resampler, tone(frequency, inRate, AMPLITUDE, 0.25));
            double gainDb = 20 * Math.log10(ToneFit.of(out, frequency / outRate, skip(resampler)).amplitude() / AMPLITUDE);
            worst = Math.max(worst, Math.abs(gainDb));
        }
        System.out.printf("passband ripple %6d -> %6d: %.5f dB%n", inRate, outRate, worst);
        assertThat(worst).isLessThanOrEqualTo(0.1);
    }

    /** Figures per preset for the Javadoc, with limits that each preset meets. */
    @ParameterizedTest
    @EnumSource(Quality.class)
    void eachPresetMeetsItsFigures(Quality quality) {
        double snr = 999;
        double alias = -999;
        double ripple = 0;
        for (int[] rates : new int[][] {{48_000, 24_000}, {44_100, 24_000}}) {
            int inRate = rates[0];
            int outRate = rates[1];
            Resampler probe = Resampler.create(inRate, outRate, quality);
            snr = Math.min(snr, ToneFit.of(resampleWhole(probe, tone(1000, inRate, AMPLITUDE, 0.5)), 1000.0 / outRate,
                    skip(probe)).snrDb());
            for (double frequency = 0.52 * outRate; frequency <= 0.95 * inRate / 2; frequency += 250) {
                Resampler resampler = Resampler.create(inRate, outRate, quality);
                float[] out = resampleWhole(resampler, tone(frequency, inRate, AMPLITUDE, 0.1));
                alias = Math.max(alias, rmsDb(out, skip(resampler)) - 20 * Math.log10(AMPLITUDE / Math.sqrt(2)));
            }
            for (double frequency = 100; frequency <= 0.9 * outRate / 2; frequency += 500) {
                Resampler resampler = Resampler.create(inRate, outRate, quality);
                float[] out = resampleWhole(resampler, tone(frequency, inRate, AMPLITUDE, 0.1));
                double gain = ToneFit.of(out, frequency / outRate, skip(resampler)).amplitude() / AMPLITUDE;
                ripple = Math.max(ripple, Math.abs(20 * Math.log10(gain)));
            }
        }
        Resampler r48 = Resampler.create(48_000, 24_000, quality);
        System.out.printf("preset %-8s: SNR %.1f dB, worst alias %.1f dB, ripple %.5f dB, delay 48k->24k %d samples,"
                + " 24k->48k %d samples, 44.1k->24k %d samples%n", quality, snr, alias, ripple, r48.delaySamples(),
                Resampler.create(24_000, 48_000, quality).delaySamples(),
                Resampler.create(44_100, 24_000, quality).delaySamples());
        assertThat(snr).isGreaterThanOrEqualTo(quality.stopbandDb() + 25);
        assertThat(alias).isLessThanOrEqualTo(-(quality.stopbandDb() - 10));
        assertThat(ripple).isLessThanOrEqualTo(0.1);
    }

    // ---------------------------------------------------------------- streaming contract

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("ratios")
    void chunkSizeDoesNotChangeASingleBitOfFloatOutput(int inRate, int outRate) {
        float[] in = noisyTone(inRate, 4_801);
        float[] whole = resampleWhole(Resampler.create(inRate, outRate), in);
        SplittableRandom random = new SplittableRandom(inRate + outRate);
        for (int chunk : new int[] {1, 7, 480, inRate / 50, -1}) {
            float[] chunked = resampleChunked(Resampler.create(inRate, outRate), in,
                    () -> chunk > 0 ? chunk : random.nextInt(0, 2_000));
            assertThat(chunked).as("chunk %d", chunk).containsExactly(whole);
        }
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("ratios")
    void chunkSizeDoesNotChangeASingleBitOfPcm16Output(int inRate, int outRate) {
        short[] in = toPcm16(noisyTone(inRate, 4_801));
        short[] whole = resampleWhole(Resampler.create(inRate, outRate), in);
        SplittableRandom random = new SplittableRandom(inRate - outRate);
        for (int chunk : new int[] {1, 7, 480, -1}) {
            Resampler resampler = Resampler.create(inRate, outRate);
            short[] out = new short[whole.length + 16];
            int written = 0;
            for (int off = 0; off < in.length; ) {
                int n = Math.min(in.length - off, chunk > 0 ? chunk : random.nextInt(0, 2_000));
                written += resampler.process(in, off, n, out, written);
                off += n;
            }
            written += resampler.drain(out, written);
            assertThat(Arrays.copyOf(out, written)).as("chunk %d", chunk).containsExactly(whole);
        }
    }

    @Test
    void chunkSizeDoesNotMatterWithARatioAdjustmentEither() {
        float[] in = noisyTone(48_000, 9_601);
        Resampler oneShot = Resampler.create(48_000, 24_000);
        oneShot.setRatioAdjustment(-321);
        float[] whole = resampleWhole(oneShot, in);
        Resampler chunked = Resampler.create(48_000, 24_000);
        chunked.setRatioAdjustment(-321);
        SplittableRandom random = new SplittableRandom(3);
        assertThat(resampleChunked(chunked, in, () -> random.nextInt(0, 700))).containsExactly(whole);
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("ratios")
    void outputLengthIsExact(int inRate, int outRate) {
        Resampler resampler = Resampler.create(inRate, outRate);
        long up = outRate / gcd(inRate, outRate);
        long down = inRate / gcd(inRate, outRate);
        float[] out = new float[resampler.maxOutput(1_000)];
        long total = 0;
        long inputs = 0;
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 300; i++) {
            int n = random.nextInt(0, 1_000);
            int written = resampler.process(new float[n], 0, n, out, 0);
            assertThat(written).isLessThanOrEqualTo(resampler.maxOutput(n));
            total += written;
            inputs += n;
            assertThat(total).isEqualTo((inputs * up + down - 1) / down);   // ceil(n * L / M)
        }
        assertThat(resampler.drain(out, 0)).isEqualTo(resampler.delaySamples());
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("ratios")
    void anImpulsePeaksAtTheReportedDelay(int inRate, int outRate) {
        for (Quality quality : Quality.values()) {
            Resampler resampler = Resampler.create(inRate, outRate, quality);
            float[] in = new float[inRate / 50];
            in[0] = 1;
            float[] out = resampleWhole(resampler, in);
            int peak = 0;
            for (int i = 1; i < out.length; i++) {
                if (Math.abs(out[i]) > Math.abs(out[peak])) {
                    peak = i;
                }
            }
            assertThat(peak).as("%s", quality).isEqualTo(resampler.delaySamples());
            assertThat(resampler.delaySamples() * 1000.0 / outRate).as("delay ms").isBetween(1.0, 9.0);
        }
    }

    @Test
    void drainKeepsTheEndOfTheSignal() {
        Resampler resampler = Resampler.create(44_100, 24_000);
        float[] in = new float[441];
        in[440] = 1;   // the very last input sample
        float[] out = resampleWhole(resampler, in);
        int peak = 0;
        for (int i = 1; i < out.length; i++) {
            if (Math.abs(out[i]) > Math.abs(out[peak])) {
                peak = i;
            }
        }
        assertThat(out).hasSize(240 + resampler.delaySamples());
        assertThat(peak).isEqualTo(Math.round(440 * 24_000f / 44_100) + resampler.delaySamples());
    }

    @Test
    void resetStartsANewStream() {
        float[] in = noisyTone(44_100, 1_000);
        Resampler resampler = Resampler.create(44_100, 24_000);
        float[] first = resampleWhole(resampler, in);
        resampler.process(in, 0, 333, new float[resampler.maxOutput(333)], 0);
        resampler.reset();
        assertThat(resampleWhole(resampler, in)).containsExactly(first);
    }

    @Test
    void equalRatesCopy() {
        Resampler resampler = Resampler.create(24_000, 24_000);
        float[] in = noisyTone(24_000, 100);
        float[] out = new float[100];
        assertThat(resampler.process(in, 0, 100, out, 0)).isEqualTo(100);
        assertThat(out).containsExactly(in);
        assertThat(resampler.delaySamples()).isZero();
        assertThat(resampler.drain(out, 0)).isZero();
        short[] pcm = {1, -2, 32767, -32768};
        short[] pcmOut = new short[4];
        assertThat(resampler.process(pcm, 0, 4, pcmOut, 0)).isEqualTo(4);
        assertThat(pcmOut).containsExactly(pcm);
    }

    @Test
    void pcm16OutputSaturatesInsteadOfWrapping() {
        Resampler resampler = Resampler.create(48_000, 24_000);
        short[] in = new short[4_800];
        for (int i = 0; i < in.length; i++) {
            in[i] = (i / 40) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;   // square wave: the sinc overshoots
        }
        short[] out = resampleWhole(resampler, in);
        float[] exact = resampleWhole(Resampler.create(48_000, 24_000), toFloat(in));
        boolean clipped = false;
        for (int i = 0; i < out.length; i++) {
            float scaled = exact[i] * 32768f;
            if (scaled > 32767) {
                assertThat(out[i]).isEqualTo(Short.MAX_VALUE);
                clipped = true;
            } else if (scaled < -32768) {
                assertThat(out[i]).isEqualTo(Short.MIN_VALUE);
                clipped = true;
            } else {
                assertThat((double) out[i]).isCloseTo(scaled, within(0.5));
            }
        }
        assertThat(clipped).isTrue();
    }

    @Test
    void coefficientTablesAreDesignedOnceAndShared() {
        assertThat(PolyphaseFilter.of(80, 147, 80, Quality.BEST.stopbandDb()))
                .isSameAs(PolyphaseFilter.of(80, 147, 80, Quality.BEST.stopbandDb()));
        Resampler a = Resampler.create(44_100, 24_000, Quality.BEST);
        Resampler b = Resampler.create(44_100, 24_000, Quality.BEST);
        float[] in = noisyTone(44_100, 882);
        float[] outA = new float[a.maxOutput(882)];
        float[] outB = new float[b.maxOutput(882)];
        for (int i = 0; i < 20; i++) {
            assertThat(b.process(in, 0, 882, outB, 0)).isEqualTo(a.process(in, 0, 882, outA, 0));
            assertThat(outB).containsExactly(outA);
        }
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("ratios")
    void processAllocatesNothing(int inRate, int outRate) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Resampler resampler = Resampler.create(inRate, outRate);
        float[] in = noisyTone(inRate, inRate / 50);
        float[] out = new float[resampler.maxOutput(in.length)];
        short[] pcmIn = toPcm16(in);
        short[] pcmOut = new short[resampler.maxOutput(in.length)];
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200; i++) {
            resampler.process(in, 0, in.length, out, 0);
            resampler.process(pcmIn, 0, pcmIn.length, pcmOut, 0);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by 400 calls").isLessThan(1_024);
    }

    // ---------------------------------------------------------------- ratio adjustment

    @Test
    void positiveAdjustmentMakesMoreOutputAndKeepsTheToneClean() {
        int inRate = 48_000;
        int outRate = 24_000;
        Resampler resampler = Resampler.create(inRate, outRate, Quality.BEST);
        resampler.setRatioAdjustment(500);
        assertThat(resampler.ratioAdjustmentPpm()).isEqualTo(500);
        float[] in = tone(1000, inRate, AMPLITUDE, 10);
        float[] out = resampleChunked(resampler, in, () -> 960);

        double expected = (in.length * (double) outRate / inRate) * (1 + 500e-6) + resampler.delaySamples();
        assertThat((double) out.length).isCloseTo(expected, within(2.0));
        assertThat(out.length - in.length / 2 - resampler.delaySamples()).isBetween(119, 121);   // +0.05 %

        double snr = ToneFit.of(out, 1000.0 / outRate / (1 + 500e-6), skip(resampler)).snrDb();
        System.out.printf("SNR with +500 ppm, 48k -> 24k: %.1f dB%n", snr);
        assertThat(snr).isGreaterThanOrEqualTo(80);
    }

    /**
     * Found while writing ResamplerFuzzTest: downsampling by more than about 130 needs kernels so long that a
     * finer table of 256 rows per input sample would pass the 16 MiB limit, and {@code setRatioAdjustment}
     * threw an undocumented IllegalArgumentException for a valid ppm. The finer table now has as many rows as
     * fit (its rows are closer together, relative to the passband, than 256 rows at ratios near 1), and the
     * adjusted output is as clean as the exact path's.
     */
    @Test
    void everyRatioCreateAcceptsCanBeAdjusted() {
        for (int[] rates : new int[][] {{48_000, 240}, {44_100, 147}, {192_000, 1_000}, {8_000, 20}}) {
            int inRate = rates[0];
            int outRate = rates[1];
            Resampler resampler = Resampler.create(inRate, outRate, Quality.BEST);
            resampler.setRatioAdjustment(500);
            assertThat(resampler.ratioAdjustmentPpm()).isEqualTo(500);
            double frequency = 0.2 * outRate;
            float[] in = tone(frequency, inRate, AMPLITUDE, 1000.0 / outRate);
            float[] out = resampleWhole(resampler, in);

            double expected = in.length * (double) outRate / inRate * (1 + 500e-6) + resampler.delaySamples();
            assertThat((double) out.length).isCloseTo(expected, within(2.0));
            double snr = ToneFit.of(out, frequency / outRate / (1 + 500e-6), skip(resampler)).snrDb();
            System.out.printf("SNR with +500 ppm, %d -> %d: %.1f dB%n", inRate, outRate, snr);
            assertThat(snr).as("%d Hz to %d Hz", inRate, outRate).isGreaterThanOrEqualTo(110);
        }
    }

    @Test
    void adjustmentOnAndOffAgainReturnsToTheExactPath() {
        Resampler adjusted = Resampler.create(44_100, 24_000);
        adjusted.setRatioAdjustment(250);
        adjusted.setRatioAdjustment(0);
        Resampler plain = Resampler.create(44_100, 24_000);
        float[] in = noisyTone(44_100, 5_000);
        assertThat(resampleWhole(adjusted, in)).containsExactly(resampleWhole(plain, in));
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void rejectsBadRates() {
        assertThatThrownBy(() -> Resampler.create(0, 24_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inputRateHz : 0");
        assertThatThrownBy(() -> Resampler.create(-8_000, 24_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inputRateHz : -8000");
        assertThatThrownBy(() -> Resampler.create(48_000, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outputRateHz : 0");
        assertThatThrownBy(() -> Resampler.create(48_000, 384_001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outputRateHz : 384001");
        assertThatThrownBy(() -> Resampler.create(384_000, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("taps");
        assertThatThrownBy(() -> Resampler.create(48_000, 24_000, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("quality");
    }

    @Test
    void rejectsNonFiniteSamplesNamingTheIndexAndConsumesNothing() {
        Resampler resampler = Resampler.create(48_000, 24_000);
        float[] in = new float[10];
        float[] out = new float[100];
        in[7] = Float.NaN;
        assertThatThrownBy(() -> resampler.process(in, 2, 8, out, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in[7] : NaN");
        in[7] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> resampler.process(in, 0, 10, out, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in[7] : Infinity");
        in[7] = -1e30f;
        assertThatThrownBy(() -> resampler.process(in, 0, 10, out, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in[7]");
        in[7] = 0;
        assertThat(resampler.process(in, 0, 10, out, 0)).isEqualTo(5);   // nothing was consumed before
    }

    @Test
    void rejectsRangesOutsideTheArrays() {
        Resampler resampler = Resampler.create(48_000, 24_000);
        float[] in = new float[10];
        float[] out = new float[100];
        assertThatThrownBy(() -> resampler.process(in, -1, 5, out, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inOff : -1");
        assertThatThrownBy(() -> resampler.process(in, 0, -1, out, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inLen : -1");
        assertThatThrownBy(() -> resampler.process(in, 6, 5, out, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in.length : 10");
        assertThatThrownBy(() -> resampler.process(in, 0, 10, out, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outOff : -1");
        assertThatThrownBy(() -> resampler.process(in, 0, 10, out, 101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outOff : 101");
        short[] pcm = new short[10];
        assertThatThrownBy(() -> resampler.process(pcm, 3, 8, new short[100], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inOff : 3, inLen : 8");
        assertThatThrownBy(() -> resampler.maxOutput(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inLen : -1");
    }

    @Test
    void rejectsAnOutputArrayTooSmall() {
        Resampler resampler = Resampler.create(24_000, 48_000);
        float[] in = new float[480];
        assertThatThrownBy(() -> resampler.process(in, 0, 480, new float[961], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out has room for 961 samples").hasMessageContaining(">= " + resampler.maxOutput(480));
        assertThatThrownBy(() -> resampler.process(new short[480], 0, 480, new short[1_000], 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out has room for 900 samples");
        assertThatThrownBy(() -> resampler.drain(new float[10], 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= " + resampler.delaySamples());
        assertThatThrownBy(() -> resampler.drain(new short[10], 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= " + resampler.delaySamples());
    }

    @Test
    void rejectsBadRatioAdjustments() {
        Resampler resampler = Resampler.create(48_000, 24_000);
        for (double ppm : new double[] {1000.5, -2000, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> resampler.setRatioAdjustment(ppm)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ppm : " + ppm);
        }
        assertThat(resampler.ratioAdjustmentPpm()).isZero();
        assertThatThrownBy(() -> Resampler.create(24_000, 24_000).setRatioAdjustment(10))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("pass-through");
    }

    // ---------------------------------------------------------------- helpers

    private static float[] tone(double frequency, int rate, double amplitude, double seconds) {
        float[] samples = new float[(int) Math.round(rate * seconds)];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (amplitude * Math.sin(2 * Math.PI * frequency * i / rate));
        }
        return samples;
    }

    private static float[] noisyTone(int rate, int length) {
        SplittableRandom random = new SplittableRandom(length);
        float[] samples = tone(440, rate, 0.4, (double) length / rate);
        for (int i = 0; i < samples.length; i++) {
            samples[i] += (float) random.nextDouble(-0.3, 0.3);
        }
        return samples;
    }

    private static short[] toPcm16(float[] samples) {
        short[] pcm = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            pcm[i] = (short) Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768.0)));
        }
        return pcm;
    }

    private static float[] toFloat(short[] pcm) {
        float[] samples = new float[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            samples[i] = pcm[i] / 32768f;
        }
        return samples;
    }

    /** Start-up and tail to leave out of a measurement: two filter lengths at the output rate. */
    private static int skip(Resampler resampler) {
        return 2 * resampler.delaySamples() + 16;
    }

    private static float[] resampleWhole(Resampler resampler, float[] in) {
        float[] out = new float[resampler.maxOutput(in.length) + resampler.delaySamples()];
        int written = resampler.process(in, 0, in.length, out, 0);
        written += resampler.drain(out, written);
        return Arrays.copyOf(out, written);
    }

    private static short[] resampleWhole(Resampler resampler, short[] in) {
        short[] out = new short[resampler.maxOutput(in.length) + resampler.delaySamples()];
        int written = resampler.process(in, 0, in.length, out, 0);
        written += resampler.drain(out, written);
        return Arrays.copyOf(out, written);
    }

    private static float[] resampleChunked(Resampler resampler, float[] in, java.util.function.IntSupplier chunks) {
        float[] out = new float[resampler.maxOutput(in.length) + resampler.delaySamples() + 16];
        float[] buffer = new float[resampler.maxOutput(4_000) + resampler.delaySamples()];
        int written = 0;
        for (int off = 0; off < in.length; ) {
            int n = Math.min(in.length - off, chunks.getAsInt());
            int produced = resampler.process(in, off, n, buffer, 0);
            System.arraycopy(buffer, 0, out, written, produced);
            written += produced;
            off += n;
        }
        written += resampler.drain(out, written);
        return Arrays.copyOf(out, written);
    }

    private static double rmsDb(float[] samples, int skip) {
        double sum = 0;
        int count = 0;
        for (int i = skip; i < samples.length - skip; i++) {
            sum += (double) samples[i] * samples[i];
            count++;
        }
        return 10 * Math.log10(sum / count + 1e-300);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }


}
