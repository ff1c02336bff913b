package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The synthetic voice's documented contract, checked on signals generated here (no fixtures). */
class SyntheticVoiceTest {

    /** Punctuation, digits and a hyphenated 29-letter word (29 mod 20 = 9 → 750 Hz). */
    private static final String TEXT = "You said: Hello there, 42 extraordinarily-long-hyphenated words!";
    /** Words of 45 and 21 letters wrap modulo 20; a free-standing dash is not spoken. */
    private static final String LONG_WORDS =
            "Pneumonoultramicroscopicsilicovolcanoconiosis is 45 letters - incomprehensibilities has 21.";
    /** Every letter count 1..20, so every one of the 20 tones, including 1250 and (20 mod 20) 300 Hz. */
    private static final String ALL_TONES = "a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii jjjjjjjjjj"
            + " kkkkkkkkkkk llllllllllll mmmmmmmmmmmmm nnnnnnnnnnnnnn ooooooooooooooo pppppppppppppppp"
            + " qqqqqqqqqqqqqqqqq rrrrrrrrrrrrrrrrrr sssssssssssssssssss tttttttttttttttttttt";
    private static final String NUMBERS = "I heard 3.5 seconds of audio \u2014 thanks!\u00a0Bye\u2026";

    static Stream<String> sentences() {
        return Stream.of(TEXT, LONG_WORDS, ALL_TONES, NUMBERS, "Hi.");
    }

    static Stream<Arguments> sentencesAtRates() {
        return sentences().flatMap(s -> Stream.of(48_000, 44_100, 16_000, 8_000).map(rate -> Arguments.of(s, rate)));
    }

    // ------------------------------------------------------------------------------------------------
    // The mouth
    // ------------------------------------------------------------------------------------------------

    @Test
    void wordsBecomeTonesWhosePitchEncodesTheirLetterCount() {
        assertThat(SyntheticVoice.expectedFrequencies(TEXT)).containsExactly(450.0, 500.0, 550.0, 550.0, 400.0, 750.0, 550.0);
        assertThat(SyntheticVoice.expectedFrequencies(LONG_WORDS)).containsExactly(550.0, 400.0, 400.0, 650.0, 350.0, 450.0, 400.0);
        assertThat(SyntheticVoice.expectedFrequencies(NUMBERS)).containsExactly(350.0, 550.0, 400.0, 650.0, 400.0, 550.0, 600.0, 450.0);
        List<Double> all = SyntheticVoice.expectedFrequencies(ALL_TONES);
        assertThat(all).hasSize(20).endsWith(300.0).doesNotHaveDuplicates();
        assertThat(all.subList(0, 19)).isSorted().startsWith(350.0).endsWith(1250.0);

        assertThat(SyntheticVoice.frequencyOf("Hello,")).isEqualTo(550.0);
        assertThat(SyntheticVoice.frequencyOf("42")).isEqualTo(400.0);
        assertThat(SyntheticVoice.frequencyOf("naïve")).isEqualTo(550.0);
        assertThat(SyntheticVoice.frequencyOf("abcdefghijklmnopqrst")).isEqualTo(300.0);
        assertThat(SyntheticVoice.frequencyOf("abcdefghijklmnopqrstu")).isEqualTo(350.0);
        assertThat(SyntheticVoice.frequencyOf("--")).isZero();
        assertThat(SyntheticVoice.frequencyOf("")).isZero();
    }

    @Test
    void blankTextIsSilent() {
        for (String blank : new String[] {null, "", "   ", "\t\n ", "- ... !? \u2014"}) {
            assertThat(SyntheticVoice.speak(blank)).isEmpty();
            assertThat(SyntheticVoice.durationMs(blank)).isZero();
            assertThat(SyntheticVoice.expectedFrequencies(blank)).isEmpty();
        }
        assertThat(SyntheticVoice.hear(new short[24_000], 24_000)).isEmpty();
        assertThat(SyntheticVoice.hear(new byte[0], 24_000)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("sentences")
    void durationIs150msPerSpokenWordAndMatchesTheBytes(String text) {
        byte[] pcm = SyntheticVoice.speak(text);
        assertThat(pcm.length % 48).isZero();
        assertThat(pcm.length / 48).isEqualTo(SyntheticVoice.durationMs(text))
                .isEqualTo(150 * SyntheticVoice.expectedFrequencies(text).size());
    }

    @ParameterizedTest
    @MethodSource("sentences")
    void isDeterministic(String text) {
        byte[] first = SyntheticVoice.speak(text);
        assertThat(SyntheticVoice.speak(new String(text.toCharArray()))).isEqualTo(first);
        assertThat(SyntheticVoice.speak(text + "  ")).isEqualTo(first);
    }

    @Test
    void tonesFadeInAndOutWithoutClicksAndGapsAreDigitalSilence() {
        short[] s = samples(SyntheticVoice.speak(ALL_TONES));
        int tone = 120 * 24;
        int word = 150 * 24;
        int peak = (int) Math.round(0.3 * 32767);
        for (int w = 0; w < 20; w++) {
            int start = w * word;
            assertThat(Math.abs(s[start])).as("first sample of tone %d", w).isLessThanOrEqualTo(1);
            assertThat(Math.abs(s[start + tone - 1])).as("last sample of tone %d", w).isLessThanOrEqualTo(1);
            // Within the first and last 0.5 ms the level stays tiny: no step at the edges.
            for (int i = 0; i < 12; i++) {
                assertThat(Math.abs(s[start + i])).isLessThan(peak / 20);
                assertThat(Math.abs(s[start + tone - 1 - i])).isLessThan(peak / 20);
            }
            int max = 0;
            for (int i = start; i < start + tone; i++) {
                max = Math.max(max, Math.abs(s[i]));
            }
            assertThat(max).as("amplitude of tone %d", w).isBetween(peak * 99 / 100, peak);
            for (int i = start + tone; i < start + word; i++) {
                assertThat(s[i]).isZero();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The ear
    // ------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("sentences")
    void roundTripAt24kHz(String text) {
        byte[] pcm = SyntheticVoice.speak(text);
        assertThat(SyntheticVoice.hear(pcm, 24_000)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(text));
        assertThat(SyntheticVoice.hear(samples(pcm), 24_000)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(text));
    }

    @ParameterizedTest
    @MethodSource("sentencesAtRates")
    void survivesResampling(String text, int rate) {
        short[] resampled = resample(samples(SyntheticVoice.speak(text)), 24_000, rate);
        assertThat(SyntheticVoice.hear(resampled, rate)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(text));
        assertThat(SyntheticVoice.hear(bytes(resampled), rate)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(text));
    }

    @ParameterizedTest
    @ValueSource(ints = {8_000, 24_000})
    void survivesMuLawRoundTrip(int rate) {
        for (String text : sentences().toList()) {
            short[] s = resample(samples(SyntheticVoice.speak(text)), 24_000, rate);
            short[] processed = new short[s.length];
            for (int i = 0; i < s.length; i++) {
                processed[i] = muLawDecode(muLawEncode(s[i]));
            }
            assertThat(processed).isNotEqualTo(s);
            assertThat(SyntheticVoice.hear(processed, rate)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(text));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.1, 1.5})
    void survivesAChangeOfLevel(double gain) {
        short[] s = samples(SyntheticVoice.speak(ALL_TONES));
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(s[i] * gain);
        }
        assertThat(SyntheticVoice.hear(s, 24_000)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(ALL_TONES));
    }

    @Test
    void survivesAGainThatVariesFromToneToTone() {
        short[] s = samples(SyntheticVoice.speak(ALL_TONES));
        for (int i = 0; i < s.length; i++) {
            double gain = 0.4 + 0.6 * i / s.length; // a slow 8 dB swell
            s[i] = (short) Math.round(s[i] * gain);
        }
        assertThat(SyntheticVoice.hear(s, 24_000)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(ALL_TONES));
    }

    @ParameterizedTest
    @ValueSource(ints = {24_000, 48_000, 8_000})
    void survivesAddedSilenceAtBothEnds(int rate) {
        short[] s = resample(samples(SyntheticVoice.speak(TEXT)), 24_000, rate);
        int lead = rate / 5; // 200 ms
        int trail = rate * 7 / 1000; // 7 ms
        short[] padded = new short[lead + s.length + trail];
        System.arraycopy(s, 0, padded, lead, s.length);
        assertThat(SyntheticVoice.hear(padded, rate)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(TEXT));
        // A few ms only, to shift the tones against the analysis blocks.
        for (int shift = 1; shift <= 5; shift++) {
            short[] shifted = new short[shift * rate / 1000 + s.length];
            System.arraycopy(s, 0, shifted, shift * rate / 1000, s.length);
            assertThat(SyntheticVoice.hear(shifted, rate)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(TEXT));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {24_000, 16_000, 8_000})
    void survivesOneSampleOfTimingJitter(int rate) {
        short[] s = resample(samples(SyntheticVoice.speak(ALL_TONES)), 24_000, rate);
        Random random = new Random(42);
        short[] jittered = new short[s.length];
        for (int i = 0; i < s.length; i++) {
            jittered[i] = s[Math.max(0, Math.min(s.length - 1, i + random.nextInt(3) - 1))];
        }
        assertThat(SyntheticVoice.hear(jittered, rate)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(ALL_TONES));
    }

    @Test
    void survivesLowLevelNoiseAndEveryImpairmentAtOnce() {
        short[] s = resample(samples(SyntheticVoice.speak(LONG_WORDS)), 24_000, 44_100);
        s = resample(s, 44_100, 8_000);
        Random random = new Random(7);
        short[] processed = new short[800 + s.length + 80];
        for (int i = 0; i < processed.length; i++) {
            int j = i - 800;
            double clean = j >= 0 && j < s.length ? s[j] * 0.6 : 0;
            double noise = random.nextGaussian() * 100; // about -50 dBFS
            processed[i] = muLawDecode(muLawEncode((short) Math.round(clean + noise)));
        }
        assertThat(SyntheticVoice.hear(processed, 8_000)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(LONG_WORDS));
    }

    @Test
    void aToneCutShortIsReturnedFrom40msAndDroppedBelow() {
        byte[] pcm = SyntheticVoice.speak("one two three"); // 450, 450, 550 Hz
        int thirdStartMs = 2 * 150;
        assertThat(SyntheticVoice.hear(Arrays.copyOf(pcm, (thirdStartMs + 30) * 48), 24_000)).containsExactly(450.0, 450.0);
        assertThat(SyntheticVoice.hear(Arrays.copyOf(pcm, (thirdStartMs + 40) * 48), 24_000)).containsExactly(450.0, 450.0, 550.0);
        assertThat(SyntheticVoice.hear(Arrays.copyOf(pcm, (thirdStartMs + 60) * 48), 24_000)).containsExactly(450.0, 450.0, 550.0);
        // Also after resampling to the telephone rate.
        short[] cut = resample(samples(Arrays.copyOf(pcm, (thirdStartMs + 45) * 48)), 24_000, 8_000);
        assertThat(SyntheticVoice.hear(cut, 8_000)).containsExactly(450.0, 450.0, 550.0);
        short[] tooShort = resample(samples(Arrays.copyOf(pcm, (thirdStartMs + 25) * 48)), 24_000, 8_000);
        assertThat(SyntheticVoice.hear(tooShort, 8_000)).containsExactly(450.0, 450.0);
    }

    @Test
    void estimatesOffGridTonesAccuratelyAndSnapsNearGridOnes() {
        assertThat(SyntheticVoice.hear(tone(475, 100, 24_000), 24_000)).singleElement()
                .satisfies(f -> assertThat(f).isCloseTo(475, within(1.0)));
        assertThat(SyntheticVoice.hear(tone(1_125, 60, 8_000), 8_000)).singleElement()
                .satisfies(f -> assertThat(f).isCloseTo(1_125, within(1.0)));
        assertThat(SyntheticVoice.hear(tone(1_777, 100, 48_000), 48_000)).singleElement()
                .satisfies(f -> assertThat(f).isCloseTo(1_777, within(1.0)));
        assertThat(SyntheticVoice.hear(tone(312, 100, 44_100), 44_100)).containsExactly(300.0);
        assertThat(SyntheticVoice.hear(tone(1_238, 100, 16_000), 16_000)).containsExactly(1_250.0);
        assertThat(SyntheticVoice.hear(tone(691, 100, 8_000), 8_000)).containsExactly(700.0);
    }

    @Test
    void rejectsAnImplausibleSampleRate() {
        assertThatThrownBy(() -> SyntheticVoice.hear(new short[10], 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------------------------------------
    // Test-only signal processing, independent of rtvoice's own
    // ------------------------------------------------------------------------------------------------

    static short[] samples(byte[] pcm) {
        short[] s = new short[pcm.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
        }
        return s;
    }

    static byte[] bytes(short[] samples) {
        byte[] pcm = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            pcm[2 * i] = (byte) samples[i];
            pcm[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return pcm;
    }

    /** Linear-interpolation resampling (no filtering). */
    static short[] resample(short[] in, int from, int to) {
        short[] out = new short[(int) ((long) in.length * to / from)];
        for (int i = 0; i < out.length; i++) {
            double x = (double) i * from / to;
            int j = (int) x;
            double frac = x - j;
            double a = in[Math.min(j, in.length - 1)];
            double b = in[Math.min(j + 1, in.length - 1)];
            out[i] = (short) Math.round(a + (b - a) * frac);
        }
        return out;
    }

    /** A plain sine of 0.25 full scale, with 2 ms linear ramps. */
    static short[] tone(double hz, int ms, int rate) {
        int n = ms * rate / 1000;
        int ramp = 2 * rate / 1000;
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            double gain = Math.min(1, Math.min(i, n - 1 - i) / (double) ramp);
            s[i] = (short) Math.round(8000 * gain * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return s;
    }

    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;

    /** ITU-T G.711 μ-law encoding of one linear PCM16 sample. */
    static int muLawEncode(short pcm) {
        int sample = pcm;
        int sign = sample < 0 ? 0x80 : 0;
        if (sample < 0) {
            sample = -sample;
        }
        sample = Math.min(sample, CLIP) + BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (sample >> (exponent + 3)) & 0x0f;
        return ~(sign | (exponent << 4) | mantissa) & 0xff;
    }

    /** ITU-T G.711 μ-law decoding of one byte to linear PCM16. */
    static short muLawDecode(int ulaw) {
        int u = ~ulaw & 0xff;
        int t = (((u & 0x0f) << 3) + BIAS) << ((u & 0x70) >> 4);
        return (short) ((u & 0x80) != 0 ? BIAS - t : t - BIAS);
    }

    @Test
    void theTestsMuLawIsTheStandardOne() {
        assertThat(muLawEncode((short) 0)).isEqualTo(0xff);
        assertThat(muLawEncode((short) -1)).isEqualTo(0x7f);
        assertThat(muLawEncode((short) 32767)).isEqualTo(0x80);
        assertThat(muLawEncode((short) -32768)).isEqualTo(0x00);
        assertThat(muLawDecode(0xff)).isEqualTo((short) 0);
        assertThat(muLawDecode(0x80)).isEqualTo((short) 32124);
        assertThat(muLawDecode(0x00)).isEqualTo((short) -32124);
        for (int v = -32768; v <= 32767; v += 7) {
            short back = muLawDecode(muLawEncode((short) v));
            assertThat(Math.abs(back - v)).isLessThanOrEqualTo(Math.max(8, Math.abs(v) / 16));
        }
    }
}
