package io.rtvoice.emulator;

import java.util.ArrayList;
import io.rtvoice.event.RealtimeAudioFormat;
import java.util.Collections;
import java.util.List;

/**
 * The emulator's voice: a documented, deterministic tone signal derived from a transcript, so that a
 * test (or a user) can check what was heard after resampling, G.711 and playback.
 *
 * <h2>The signal (a contract: it does not change between versions)</h2>
 * <ul>
 *   <li>{@link #speak(String)} renders PCM16, little-endian, mono, at {@value #SAMPLE_RATE_HZ} Hz.</li>
 *   <li>The transcript is split into words on white space ({@link Character#isWhitespace} or a Unicode
 *       space separator such as the no-break space). A word's <em>letter count</em> is the number of its
 *       code points that are letters or digits ({@link Character#isLetterOrDigit(int)}): punctuation
 *       is not counted, and a word with no letters or digits (such as {@code "-"} or {@code "..."}) is
 *       skipped: it makes no sound.</li>
 *   <li>Each spoken word, in order, becomes a tone of {@value #TONE_MS} ms at
 *       {@code f = 300 + 50 × (letterCount mod 20)} Hz — 300 to 1250 Hz in steps of 50, inside the
 *       G.711 telephone band — a sine starting at phase 0, of amplitude 0.3 of full scale
 *       ({@code 0.3 × 32767}), with 5 ms raised-cosine fade-in and fade-out (its first and last samples
 *       are 0: no clicks), followed by {@value #GAP_MS} ms of digital silence (zero samples). Each word
 *       takes {@value #TONE_MS} + {@value #GAP_MS} = 150 ms, so the audio lasts
 *       {@link #durationMs(String) 150 ms × the number of spoken words}.</li>
 *   <li>Samples are {@code round(0.3 × 32767 × fade(i) × sin(2π f i / 24000))}, computed with
 *       {@link StrictMath}: the same text gives the same bytes on every JVM. Blank (or {@code null})
 *       text gives an empty array.</li>
 * </ul>
 *
 * <h2>The ear</h2>
 * {@link #hear(short[], int)} decodes such a signal at any sample rate into the sequence of tone
 * frequencies, snapped to the grid above, so that
 * {@code assertThat(SyntheticVoice.hear(out, 48000)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies(text))}
 * holds after resampling (8, 16, 24, 44.1, 48 kHz…), a G.711 round trip, a change of level, added
 * silence, low-level noise or a sample of timing jitter. Tones cut short (for example by a barge-in)
 * are reported when they last at least {@value #MIN_HEARD_MS} ms and dropped when shorter.
 *
 * <p>Thread-safe: the class is stateless.
 */
public final class SyntheticVoice {

    /** Sample rate of {@link #speak}'s output, in Hz. */
    public static final int SAMPLE_RATE_HZ = RealtimeAudioFormat.PCM_RATE_HZ;
    /** Duration of one word's tone, in ms. */
    public static final int TONE_MS = 120;
    /** Digital silence after each tone, in ms. */
    public static final int GAP_MS = 30;
    /** Duration of the raised-cosine fade at each end of a tone, in ms. */
    public static final int FADE_MS = 5;
    /** Frequency of a word whose letter count is a multiple of 20, in Hz: the lowest tone. */
    public static final int BASE_FREQUENCY_HZ = 300;
    /** Frequency step per letter, in Hz. */
    public static final int STEP_HZ = 50;
    /** Number of distinct tones: the letter count is taken modulo this. */
    public static final int TONES = 20;
    /**
     * Shortest tone {@link #hear} reports, in ms: a tone cut shorter than this (for example by a
     * barge-in) is dropped; one at least this long is returned.
     */
    public static final int MIN_HEARD_MS = 40;

    /** Peak amplitude of a tone, in PCM16 units: 0.3 of full scale. */
    private static final double AMPLITUDE = 0.3 * 32767;
    /** Largest distance from a grid frequency that {@link #hear} snaps to it, in Hz. */
    private static final double SNAP_HZ = 20;
    /** Envelope block length, in ms. */
    private static final int BLOCK_MS = 1;
    /** A tone's level must exceed this fraction of the loudest block's RMS. */
    private static final double RELATIVE_GATE = 0.1;
    /** …and this absolute RMS (about -60 dBFS), so that near-silence is never heard as a tone. */
    private static final double ABSOLUTE_GATE = 32;
    /** Dips below the gate shorter than this, in ms, do not split a tone (the gap between words is 30). */
    private static final int BRIDGE_MS = 10;
    /** Part of a tone's two fades that is below the gate, in ms, added back to the measured length. */
    private static final int FADE_ALLOWANCE_MS = 2;
    /** Frequencies below this are not considered as a tone's pitch (hum, DC), in Hz. */
    private static final double MIN_PITCH_HZ = 50;

    private SyntheticVoice() {
    }

    // ------------------------------------------------------------------------------------------------
    // The mouth
    // ------------------------------------------------------------------------------------------------

    /**
     * The transcript as PCM16 little-endian mono at {@value #SAMPLE_RATE_HZ} Hz: one tone per spoken
     * word, as the {@linkplain SyntheticVoice class documentation} specifies.
     *
     * @param transcript the text to speak; {@code null} or blank gives an empty array
     * @return {@link #durationMs(String) durationMs(transcript)} × 48 bytes
     */
    public static byte[] speak(String transcript) {
        List<Double> tones = expectedFrequencies(transcript);
        int toneSamples = TONE_MS * SAMPLE_RATE_HZ / 1000;
        int wordSamples = (TONE_MS + GAP_MS) * SAMPLE_RATE_HZ / 1000;
        int fade = FADE_MS * SAMPLE_RATE_HZ / 1000;
        double[] envelope = new double[toneSamples];
        for (int i = 0; i < toneSamples; i++) {
            int fromEdge = Math.min(i, toneSamples - 1 - i);
            envelope[i] = fromEdge >= fade ? 1 : 0.5 - 0.5 * StrictMath.cos(StrictMath.PI * fromEdge / fade);
        }
        byte[] pcm = new byte[Math.multiplyExact(tones.size(), wordSamples * 2)];
        for (int w = 0; w < tones.size(); w++) {
            double step = 2 * StrictMath.PI * tones.get(w) / SAMPLE_RATE_HZ;
            int base = 2 * w * wordSamples;
            for (int i = 0; i < toneSamples; i++) {
                short s = (short) StrictMath.round(AMPLITUDE * envelope[i] * StrictMath.sin(step * i));
                pcm[base + 2 * i] = (byte) s;
                pcm[base + 2 * i + 1] = (byte) (s >> 8);
            }
            // The gap's bytes stay 0: digital silence.
        }
        return pcm;
    }

    /**
     * Duration of {@link #speak}'s output for {@code transcript}, without synthesising it.
     *
     * @param transcript the text ({@code null} or blank is silent)
     * @return 150 ms × the number of spoken words (0 for {@code null} or blank text)
     */
    public static int durationMs(String transcript) {
        return Math.multiplyExact(expectedFrequencies(transcript).size(), TONE_MS + GAP_MS);
    }

    /**
     * The tone frequency of one word: {@code 300 + 50 × (letterCount mod 20)} Hz, where the letter
     * count is the number of code points that are letters or digits.
     *
     * @param word one word ({@code null} is treated as empty)
     * @return the frequency in Hz, between 300 and 1250, or 0 for a word without letters or digits
     *         (which is not spoken)
     */
    public static double frequencyOf(String word) {
        if (word == null) {
            return 0;
        }
        long letters = word.codePoints().filter(Character::isLetterOrDigit).count();
        return letters == 0 ? 0 : BASE_FREQUENCY_HZ + STEP_HZ * (letters % TONES);
    }

    /**
     * The tone frequencies {@link #speak} uses for {@code transcript}, in order: what {@link #hear}
     * returns for its audio.
     *
     * @param transcript the text ({@code null} or blank gives an empty list)
     * @return an unmodifiable list of frequencies in Hz, one per spoken word
     */
    public static List<Double> expectedFrequencies(String transcript) {
        List<Double> tones = new ArrayList<>();
        for (String word : words(transcript)) {
            double f = frequencyOf(word);
            if (f > 0) {
                tones.add(f);
            }
        }
        return Collections.unmodifiableList(tones);
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        if (text == null) {
            return words;
        }
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            boolean space = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
            if (space && start >= 0) {
                words.add(text.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
        return words;
    }

    // ------------------------------------------------------------------------------------------------
    // The ear
    // ------------------------------------------------------------------------------------------------

    /**
     * {@link #hear(short[], int)} for PCM16 little-endian mono bytes (an odd trailing byte is ignored).
     *
     * @param pcm16le the audio
     * @param sampleRateHz its sample rate, in Hz
     * @return the frequencies of the tones heard, in order, in Hz
     */
    public static List<Double> hear(byte[] pcm16le, int sampleRateHz) {
        short[] samples = new short[pcm16le.length / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((pcm16le[2 * i] & 0xff) | (pcm16le[2 * i + 1] << 8));
        }
        return hear(samples, sampleRateHz);
    }

    /**
     * Decodes audio of the synthetic voice (or any sequence of tones separated by silence) into the
     * frequencies of its tones, in order.
     *
     * <p>How: the signal's RMS level is measured in 1 ms blocks. A tone is a run of blocks louder than
     * a tenth of the loudest block (and than about -60 dBFS), dips shorter than 10 ms not splitting it;
     * anything quieter (digital silence, low-level noise, μ-law's quantisation) separates tones, so
     * added silence, a change of level and resampling do not matter. A tone is returned if its length
     * (the run's, plus 2 ms for the quiet ends of its fades) is at least {@value #MIN_HEARD_MS} ms,
     * otherwise it is dropped: a full tone of the voice measures about 120 ms; one truncated by a
     * barge-in is returned when at least 40 ms of it was played.
     *
     * <p>A tone's frequency is the dominant frequency (above 50 Hz) of its middle (its fades left out):
     * the peak of a Hann-windowed, zero-padded FFT, refined by Gaussian interpolation (accurate to well
     * under 1 Hz for a clean tone of 40 ms or more). An estimate within ±20 Hz of a grid frequency
     * {@code 300 + 50k} ({@code k = 0..19}) is returned as exactly that grid value, so the result can be
     * compared for equality with {@link #expectedFrequencies}; any other estimate is returned as is,
     * rounded to 0.1 Hz.
     *
     * @param samples mono PCM16 samples
     * @param sampleRateHz their sample rate, in Hz (at least 1000)
     * @return the frequencies of the tones heard, in order, in Hz; empty for silence
     * @throws IllegalArgumentException if {@code sampleRateHz} is below 1000
     */
    public static List<Double> hear(short[] samples, int sampleRateHz) {
        if (sampleRateHz < 1000) {
            throw new IllegalArgumentException("sample rate must be at least 1000 Hz: " + sampleRateHz);
        }
        int block = sampleRateHz * BLOCK_MS / 1000;
        int blocks = (samples.length + block - 1) / block;
        double[] rms = new double[blocks];
        double loudest = 0;
        for (int b = 0; b < blocks; b++) {
            int from = b * block;
            int to = Math.min(samples.length, from + block);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += (double) samples[i] * samples[i];
            }
            rms[b] = Math.sqrt(sum / (to - from));
            loudest = Math.max(loudest, rms[b]);
        }
        double gate = Math.max(loudest * RELATIVE_GATE, ABSOLUTE_GATE);
        int bridge = (int) Math.ceil((double) BRIDGE_MS * sampleRateHz / 1000 / block);

        List<Double> heard = new ArrayList<>();
        int b = 0;
        while (b < blocks) {
            if (rms[b] <= gate) {
                b++;
                continue;
            }
            int start = b;
            int end = b + 1; // exclusive: one past the last loud block
            for (b = end; b < blocks && b - end < bridge; b++) {
                if (rms[b] > gate) {
                    end = b + 1;
                }
            }
            b = end;
            int from = start * block;
            int to = Math.min(samples.length, end * block);
            double lengthMs = 1000.0 * (to - from) / sampleRateHz + FADE_ALLOWANCE_MS;
            if (lengthMs >= MIN_HEARD_MS) {
                // Analyse the tone's middle: leave its fades out, but keep at least half of it.
                int trim = Math.min(FADE_MS * sampleRateHz / 1000, (to - from) / 4);
                heard.add(snap(dominantFrequency(samples, from + trim, to - trim, sampleRateHz)));
            }
        }
        return Collections.unmodifiableList(heard);
    }

    /** The grid value if {@code f} is within {@link #SNAP_HZ} of one, else {@code f} to 0.1 Hz. */
    private static double snap(double f) {
        long k = Math.round((f - BASE_FREQUENCY_HZ) / STEP_HZ);
        k = Math.max(0, Math.min(TONES - 1, k));
        double grid = BASE_FREQUENCY_HZ + STEP_HZ * k;
        return Math.abs(f - grid) <= SNAP_HZ ? grid : Math.round(f * 10) / 10.0;
    }

    /** The frequency of the strongest spectral peak of {@code samples[from, to)}, in Hz. */
    private static double dominantFrequency(short[] samples, int from, int to, int rate) {
        int length = to - from;
        double mean = 0;
        for (int i = from; i < to; i++) {
            mean += samples[i];
        }
        mean /= length;
        int n = Integer.highestOneBit(Math.max(1024, 4 * length) - 1) << 1; // ≥ 4× zero padding
        double[] re = new double[n];
        double[] im = new double[n];
        for (int i = 0; i < length; i++) {
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / length);
            re[i] = (samples[from + i] - mean) * hann;
        }
        fft(re, im);
        double[] power = new double[n / 2 + 1];
        for (int k = 0; k <= n / 2; k++) {
            power[k] = re[k] * re[k] + im[k] * im[k];
        }
        int lowest = Math.max(1, (int) Math.ceil(MIN_PITCH_HZ * n / rate));
        int peak = lowest;
        for (int k = lowest; k < n / 2; k++) {
            if (power[k] > power[peak]) {
                peak = k;
            }
        }
        double offset = 0;
        if (power[peak - 1] > 0 && power[peak] > 0 && power[peak + 1] > 0) {
            // Gaussian (log-parabolic) interpolation: nearly exact on a Hann window's main lobe.
            double l = Math.log(power[peak - 1]);
            double c = Math.log(power[peak]);
            double r = Math.log(power[peak + 1]);
            double denominator = l - 2 * c + r;
            if (denominator < 0) {
                offset = Math.max(-0.5, Math.min(0.5, 0.5 * (l - r) / denominator));
            }
        }
        return (peak + offset) * rate / n;
    }

    /** In-place iterative radix-2 FFT; {@code re.length} is a power of two. */
    private static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int size = 2; size <= n; size <<= 1) {
            double angle = -2 * Math.PI / size;
            double stepRe = Math.cos(angle);
            double stepIm = Math.sin(angle);
            int half = size >> 1;
            for (int start = 0; start < n; start += size) {
                double wRe = 1;
                double wIm = 0;
                for (int k = 0; k < half; k++) {
                    int a = start + k;
                    int b = a + half;
                    double tRe = re[b] * wRe - im[b] * wIm;
                    double tIm = re[b] * wIm + im[b] * wRe;
                    re[b] = re[a] - tRe;
                    im[b] = im[a] - tIm;
                    re[a] += tRe;
                    im[a] += tIm;
                    double next = wRe * stepRe - wIm * stepIm;
                    wIm = wRe * stepIm + wIm * stepRe;
                    wRe = next;
                }
            }
        }
    }
}
