package io.rtvoice.bench.audio;

import io.rtvoice.audio.spi.EchoCanceller;
import io.rtvoice.audio.spi.VoiceActivityDetector;
import io.rtvoice.audio.webrtc.WebRtcAudio;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU a voice session's near-end processing costs per stream, per 10 ms frame at the wire's 24 kHz, through
 * {@code rtvoice-audio-webrtc} (WebRTC's native audio processing): the echo canceller (AEC3) given one played
 * frame and one captured frame, and the voice activity detector on one captured frame. The share of one core
 * a real-time stream takes is (ns/op) / 10,000,000.
 *
 * <p>The audio is speech-like and deterministic: two synthetic voices (a glottal pulse train with vibrato through
 * three formant resonators, syllable by syllable, with breath noise), the model's as the far end and the user's
 * as the near end, which also carries the far end's echo (60 ms later, 10 dB down), so the canceller has an
 * echo to find and remove. Four seconds of each, played round and round.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AudioProcessingBenchmark {

    private static final int RATE = 24_000;
    private static final int FRAME = RATE / 100;
    private static final int FRAMES = 400; // 4 s

    private short[] far;
    private short[] near;
    private final short[] out = new short[FRAME];
    private EchoCanceller canceller;
    private VoiceActivityDetector detector;
    private int frame;

    @Setup
    public void setUp() {
        far = voice(RATE, FRAMES * FRAME, 110, new double[] {700, 1_220, 2_600}, 11);
        short[] user = voice(RATE, FRAMES * FRAME, 190, new double[] {400, 2_000, 2_800}, 23);
        near = new short[user.length];
        int echoDelay = RATE * 60 / 1000;
        for (int i = 0; i < near.length; i++) {
            int echo = i >= echoDelay ? far[i - echoDelay] : 0;
            near[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, user[i] / 2 + Math.round(echo * 0.316)));
        }
        canceller = WebRtcAudio.echoCanceller().open(RATE, RATE);
        canceller.delayMillis(60);
        detector = WebRtcAudio.voiceActivityDetector().open(RATE);
    }

    @TearDown
    public void tearDown() {
        canceller.close();
        detector.close();
    }

    /** The echo canceller: the frame just played, then the frame just captured, cleaned into a reused array. */
    @Benchmark
    public short echoCanceller10ms() {
        int at = next();
        canceller.played(far, at);
        canceller.capture(near, at, out, 0);
        return out[FRAME / 2];
    }

    /** The voice activity detector on one captured frame: its speech probability. */
    @Benchmark
    public float voiceActivityDetector10ms() {
        return detector.speechProbability(near, next());
    }

    private int next() {
        int at = frame * FRAME;
        frame = frame + 1 == FRAMES ? 0 : frame + 1;
        return at;
    }

    /**
     * A deterministic vowel-like voice: a pulse train at about {@code pitch} Hz (with 5 Hz vibrato) through three
     * two-pole resonators at {@code formants}, shaped into 250 ms syllables with 50 ms pauses, over a faint noise floor
     * (about −60 dBFS); peaks at −6 dBFS.
     */
    static short[] voice(int rate, int samples, double pitch, double[] formants, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] a1 = new double[formants.length];
        double[] a2 = new double[formants.length];
        double[] y1 = new double[formants.length];
        double[] y2 = new double[formants.length];
        for (int f = 0; f < formants.length; f++) {
            double bandwidth = 80 + formants[f] * 0.06;
            double r = Math.exp(-Math.PI * bandwidth / rate);
            a1[f] = 2 * r * Math.cos(2 * Math.PI * formants[f] / rate);
            a2[f] = -r * r;
        }
        double[] raw = new double[samples];
        double phase = 0;
        double peak = 1e-9;
        for (int i = 0; i < samples; i++) {
            double t = (double) i / rate;
            phase += (pitch * (1 + 0.03 * Math.sin(2 * Math.PI * 5 * t))) / rate;
            double excitation = 0;
            if (phase >= 1) {
                phase -= 1;
                excitation = 1;
            }
            excitation += random.nextDouble(-0.02, 0.02);
            double sum = 0;
            for (int f = 0; f < formants.length; f++) {
                double y = excitation + a1[f] * y1[f] + a2[f] * y2[f];
                y2[f] = y1[f];
                y1[f] = y;
                sum += y / (f + 1);
            }
            double syllable = t % 0.3;
            double envelope = syllable < 0.25 ? Math.sin(Math.PI * syllable / 0.25) : 0;
            raw[i] = sum * envelope;
            peak = Math.max(peak, Math.abs(raw[i]));
        }
        short[] pcm = new short[samples];
        for (int i = 0; i < samples; i++) {
            pcm[i] = (short) Math.round(raw[i] / peak * 0.5 * 32767 + random.nextDouble(-30, 30)); // and a noise floor
        }
        return pcm;
    }
}
