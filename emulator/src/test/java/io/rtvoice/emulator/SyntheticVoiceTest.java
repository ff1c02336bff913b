package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticVoiceTest {

    private static final String TEXT = "You said: Hello there, 42 extraordinarily-long-hyphenated words!";

    static short[] samples(byte[] pcm) {
        short[] s = new short[pcm.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
        }
        return s;
    }

    /** Linear-interpolation resampling, done here so the test does not depend on rtvoice's resampler. */
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

    @Test
    void wordsBecomeTonesWhosePitchEncodesTheirLength() {
        assertThat(SyntheticVoice.expectedFrequencies(TEXT)).containsExactly(
                300 + 50 * 3.0, 300 + 50 * 4.0, 300 + 50 * 5.0, 300 + 50 * 5.0, 300 + 50 * 2.0, 300 + 50 * (29 % 20.0), 300 + 50 * 5.0);
        assertThat(SyntheticVoice.frequencyOf("--")).isZero();
        assertThat(SyntheticVoice.expectedFrequencies("  ")).isEmpty();
        assertThat(SyntheticVoice.speak("")).isEmpty();
    }

    @Test
    void roundTripAt24kHz() {
        byte[] pcm = SyntheticVoice.speak(TEXT);
        assertThat(pcm.length / 48).isEqualTo(SyntheticVoice.durationMs(TEXT)).isEqualTo(7 * 150);
        assertThat(SyntheticVoice.hear(pcm, 24_000)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(TEXT));
        assertThat(SyntheticVoice.speak(TEXT)).isEqualTo(pcm);
    }

    @ParameterizedTest
    @ValueSource(ints = {8_000, 16_000, 44_100, 48_000})
    void survivesResampling(int rate) {
        short[] resampled = resample(samples(SyntheticVoice.speak(TEXT)), 24_000, rate);
        assertThat(SyntheticVoice.hear(resampled, rate)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(TEXT));
    }

    @Test
    void survivesMuLawGainAndLeadingSilence() {
        short[] s = resample(samples(SyntheticVoice.speak(TEXT)), 24_000, 8_000);
        short[] processed = new short[s.length + 1600];
        for (int i = 0; i < s.length; i++) {
            processed[1600 + i] = muLawRoundTrip((short) (s[i] / 2));
        }
        assertThat(SyntheticVoice.hear(processed, 8_000)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(TEXT));
    }

    @Test
    void tonesFadeInAndOutWithoutClicks() {
        short[] s = samples(SyntheticVoice.speak("hello world"));
        int tone = 120 * 24;
        int word = 150 * 24;
        for (int w = 0; w < 2; w++) {
            assertThat(Math.abs(s[w * word])).isLessThan(50);
            assertThat(Math.abs(s[w * word + tone - 1])).isLessThan(500);
            assertThat(s[w * word + tone]).isZero();
        }
    }

    @Test
    void aToneCutShortByABargeInIsDroppedBelow40ms() {
        byte[] pcm = SyntheticVoice.speak("one two three");
        byte[] cut = java.util.Arrays.copyOf(pcm, (2 * 150 + 30) * 48);
        assertThat(SyntheticVoice.hear(cut, 24_000)).isEqualTo(List.of(450.0, 450.0));
    }

    /** ITU-T G.711 μ-law encode then decode (test-only reference). */
    static short muLawRoundTrip(short pcm) {
        int sign = (pcm >> 8) & 0x80;
        int sample = sign != 0 ? -pcm : pcm;
        sample = Math.min(sample, 32635) + 0x84;
        int exponent = 7;
        for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (sample >> (exponent + 3)) & 0x0f;
        int ulaw = ~(sign | (exponent << 4) | mantissa) & 0xff;
        ulaw = ~ulaw & 0xff;
        int t = ((ulaw & 0x0f) << 3) + 0x84;
        t <<= (ulaw & 0x70) >> 4;
        return (short) ((ulaw & 0x80) != 0 ? 0x84 - t : t - 0x84);
    }
}
