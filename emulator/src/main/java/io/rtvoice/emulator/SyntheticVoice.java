package io.rtvoice.emulator;

import java.util.ArrayList;
import java.util.List;

/**
 * The emulator's voice: a deterministic signal that encodes a transcript, so a test can check what it
 * heard after resampling, G.711 and playback.
 *
 * <p>Each word of the transcript (split on white space; a word without letters or digits is skipped)
 * becomes a 120 ms tone at {@code 300 + 50 × (letters and digits in the word mod 20)} Hz — 300 to
 * 1250 Hz, inside the telephone band — at 0.3 of full scale with 5 ms raised-cosine fades, followed by
 * 30 ms of silence: 150 ms per word. {@link #speak} renders it as PCM16 little-endian mono at 24 kHz;
 * {@link #hear} recovers the sequence of tone frequencies from audio at any rate.
 */
public final class SyntheticVoice {

    /** Sample rate of {@link #speak}'s output, in Hz. */
    public static final int SAMPLE_RATE_HZ = 24_000;
    /** Duration of one word's tone, in ms. */
    public static final int TONE_MS = 120;
    /** Silence after each tone, in ms. */
    public static final int GAP_MS = 30;
    /** Tones shorter than this (e.g. cut by a barge-in) are not reported by {@link #hear}, in ms. */
    public static final int MIN_HEARD_MS = 40;

    private static final double AMPLITUDE = 0.3 * 32767;
    private static final int FADE_MS = 5;

    private SyntheticVoice() {
    }

    /** The transcript as PCM16 little-endian mono at 24 kHz; blank text gives no audio. */
    public static byte[] speak(String transcript) {
        List<Double> tones = expectedFrequencies(transcript);
        int toneSamples = TONE_MS * SAMPLE_RATE_HZ / 1000;
        int wordSamples = (TONE_MS + GAP_MS) * SAMPLE_RATE_HZ / 1000;
        int fade = FADE_MS * SAMPLE_RATE_HZ / 1000;
        byte[] pcm = new byte[tones.size() * wordSamples * 2];
        for (int w = 0; w < tones.size(); w++) {
            double step = 2 * Math.PI * tones.get(w) / SAMPLE_RATE_HZ;
            for (int i = 0; i < toneSamples; i++) {
                double gain = i < fade ? 0.5 - 0.5 * Math.cos(Math.PI * i / fade)
                        : i >= toneSamples - fade ? 0.5 - 0.5 * Math.cos(Math.PI * (toneSamples - 1 - i) / fade) : 1;
                short s = (short) Math.round(AMPLITUDE * gain * Math.sin(step * i));
                int at = 2 * (w * wordSamples + i);
                pcm[at] = (byte) s;
                pcm[at + 1] = (byte) (s >> 8);
            }
        }
        return pcm;
    }

    /** Duration of {@link #speak}'s output for {@code transcript}, in ms. */
    public static int durationMs(String transcript) {
        return expectedFrequencies(transcript).size() * (TONE_MS + GAP_MS);
    }

    /** The tone frequency of one word, in Hz, or 0 for a word without letters or digits. */
    public static double frequencyOf(String word) {
        long letters = word.codePoints().filter(Character::isLetterOrDigit).count();
        return letters == 0 ? 0 : 300 + 50 * (letters % 20);
    }

    /** The tone frequencies {@link #speak} uses for {@code transcript}, in order, in Hz. */
    public static List<Double> expectedFrequencies(String transcript) {
        List<Double> tones = new ArrayList<>();
        if (transcript == null || transcript.isBlank()) {
            return tones;
        }
        for (String word : transcript.strip().split("\\s+")) {
            double f = frequencyOf(word);
            if (f > 0) {
                tones.add(f);
            }
        }
        return tones;
    }

    /** {@link #hear(short[], int)} for PCM16 little-endian mono bytes. */
    public static List<Double> hear(byte[] pcm16le, int sampleRateHz) {
        short[] samples = new short[pcm16le.length / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((pcm16le[2 * i] & 0xff) | (pcm16le[2 * i + 1] << 8));
        }
        return hear(samples, sampleRateHz);
    }

    /**
     * The frequencies of the tones in {@code samples}, in order, each snapped to the voice's 50 Hz grid.
     * Tones are found as runs of 5 ms windows louder than a tenth of the loudest window; runs shorter than
     * {@link #MIN_HEARD_MS} are ignored; each tone's pitch is the grid frequency with the most energy
     * (Goertzel) over its middle.
     */
    public static List<Double> hear(short[] samples, int sampleRateHz) {
        int window = Math.max(1, sampleRateHz * 5 / 1000);
        int windows = samples.length / window;
        double[] rms = new double[windows];
        double loudest = 0;
        for (int w = 0; w < windows; w++) {
            double sum = 0;
            for (int i = w * window; i < (w + 1) * window; i++) {
                sum += (double) samples[i] * samples[i];
            }
            rms[w] = Math.sqrt(sum / window);
            loudest = Math.max(loudest, rms[w]);
        }
        List<Double> heard = new ArrayList<>();
        double gate = Math.max(loudest / 10, 30);
        int w = 0;
        while (w < windows) {
            if (rms[w] <= gate) {
                w++;
                continue;
            }
            int start = w;
            while (w < windows && rms[w] > gate) {
                w++;
            }
            int lengthMs = (w - start) * 5;
            if (lengthMs >= MIN_HEARD_MS) {
                // The middle of the tone: fades and window edges left out.
                int from = (start + 1) * window;
                int to = (w - 1) * window;
                heard.add(pitch(samples, from, to, sampleRateHz));
            }
        }
        return heard;
    }

    private static double pitch(short[] samples, int from, int to, int rate) {
        double best = 0;
        double bestPower = -1;
        for (int k = 0; k < 20; k++) {
            double f = 300 + 50 * k;
            double coeff = 2 * Math.cos(2 * Math.PI * f / rate);
            double s1 = 0;
            double s2 = 0;
            for (int i = from; i < to; i++) {
                double s0 = samples[i] + coeff * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
            if (power > bestPower) {
                bestPower = power;
                best = f;
            }
        }
        return best;
    }
}
