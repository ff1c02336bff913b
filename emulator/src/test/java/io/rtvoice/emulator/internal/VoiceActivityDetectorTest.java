package io.rtvoice.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.emulator.internal.VoiceActivityDetector.Transition;
import io.rtvoice.emulator.internal.VoiceActivityDetector.Transition.Kind;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VoiceActivityDetectorTest {

    /** {@code ms} of silence, PCM16 LE 24 kHz. */
    static byte[] silence(int ms) {
        return new byte[ms * 48];
    }

    /** {@code ms} of a 300 Hz sine (3 whole periods per 10 ms frame) whose RMS is {@code dbfs}. */
    static byte[] tone(int ms, double dbfs) {
        double peak = Math.sqrt(2) * 32768 * Math.pow(10, dbfs / 20);
        short[] samples = new short[ms * 24];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) Math.round(peak * Math.sin(2 * Math.PI * 300 * i / 24_000.0));
        }
        return pcm(samples);
    }

    /** {@code ms} of seeded Gaussian noise whose RMS is about {@code dbfs}. */
    static byte[] noise(int ms, double dbfs, long seed) {
        Random random = new Random(seed);
        double rms = 32768 * Math.pow(10, dbfs / 20);
        short[] samples = new short[ms * 24];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) Math.round(rms * random.nextGaussian());
        }
        return pcm(samples);
    }

    static byte[] pcm(short[] samples) {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            out[2 * i] = (byte) samples[i];
            out[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static List<Transition> feed(VoiceActivityDetector vad, byte[] pcm, int chunk) {
        List<Transition> all = new ArrayList<>();
        for (int at = 0; at < pcm.length; at += chunk) {
            all.addAll(vad.append(pcm, at, Math.min(chunk, pcm.length - at)));
        }
        return all;
    }

    static List<Transition> feed(VoiceActivityDetector vad, byte[] pcm) {
        return feed(vad, pcm, 960);
    }

    static Transition started(long ms) {
        return new Transition(Kind.SPEECH_STARTED, ms);
    }

    static Transition stopped(long ms) {
        return new Transition(Kind.SPEECH_STOPPED, ms);
    }

    /** 1 s silence, 1 s tone at −20 dBFS, 1 s silence. */
    private static final byte[] UTTERANCE = concat(silence(1000), tone(1000, -20), silence(1000));

    /** The utterance, then a second one from 3000 to 3700 ms, then 600 ms of silence. */
    private static final byte[] TWO_UTTERANCES = concat(UTTERANCE, tone(700, -20), silence(600));

    @Test
    void silenceAndLowNoiseAreNotSpeech() {
        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 300, 500);
        assertThat(feed(vad, silence(3000))).isEmpty();
        assertThat(feed(vad, noise(3000, -60, 1))).isEmpty();
        assertThat(vad.speaking()).isFalse();
        assertThat(vad.timelineMs()).isEqualTo(6000);
    }

    @Test
    void oneUtteranceStartsWithPaddingAndStopsAfterTheSilence() {
        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 300, 500);
        assertThat(feed(vad, UTTERANCE)).containsExactly(started(700), stopped(2500));
        assertThat(vad.timelineMs()).isEqualTo(3000);
        assertThat(vad.speaking()).isFalse();
    }

    @Test
    void speakingFollowsTheState() {
        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 300, 500);
        assertThat(feed(vad, concat(silence(1000), tone(500, -20)))).containsExactly(started(700));
        assertThat(vad.speaking()).isTrue();
        assertThat(feed(vad, silence(490))).isEmpty();
        assertThat(vad.speaking()).isTrue();
        assertThat(feed(vad, silence(10))).containsExactly(stopped(2000));
        assertThat(vad.speaking()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 479, 480, 481, 4800, 1_000_000})
    void chunkSizeDoesNotMatter(int chunk) {
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 500), TWO_UTTERANCES, chunk))
                .containsExactly(started(700), stopped(2500), started(2700), stopped(4200));
    }

    @Test
    void irregularChunksIncludingEmptyOnesDoNotMatter() {
        Random random = new Random(42);
        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 300, 500);
        List<Transition> all = new ArrayList<>();
        for (int at = 0; at < TWO_UTTERANCES.length; ) {
            int length = Math.min(random.nextInt(1000), TWO_UTTERANCES.length - at);
            all.addAll(vad.append(TWO_UTTERANCES, at, length));
            at += length;
        }
        assertThat(all).containsExactly(started(700), stopped(2500), started(2700), stopped(4200));
    }

    @Test
    void aSampleSplitAcrossAppendsIsCarried() {
        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 0, 500);
        byte[] loud = tone(20, -20);
        assertThat(vad.append(loud, 0, 479)).isEmpty(); // 239.5 samples: the first frame is not complete
        assertThat(vad.timelineMs()).isEqualTo(9);
        assertThat(vad.append(loud, 479, 1)).isEmpty(); // completes the frame: one voiced frame
        assertThat(vad.timelineMs()).isEqualTo(10);
        assertThat(vad.append(loud, 480, 241)).isEmpty(); // 120.5 samples of the second frame
        assertThat(vad.append(loud, 721, 239)).containsExactly(started(0));
        assertThat(vad.timelineMs()).isEqualTo(20);
    }

    @Test
    void appendsAnArrayRangeAndChecksIt() {
        byte[] padded = concat(new byte[3], TWO_UTTERANCES, new byte[5]);
        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 300, 500);
        assertThatThrownBy(() -> vad.append(padded, 3, padded.length)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> vad.append(padded, -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(vad.timelineMs()).isZero();
        assertThat(vad.append(padded, 3, 0)).isEmpty();
        assertThat(vad.append(padded, 3, TWO_UTTERANCES.length))
                .containsExactly(started(700), stopped(2500), started(2700), stopped(4200));
    }

    @Test
    void thresholdIsHonoured() {
        byte[] quiet = concat(silence(500), tone(500, -45), silence(800));
        // threshold 0.3: voiced above -52 dBFS
        assertThat(feed(new VoiceActivityDetector(0.3, 0, 300), quiet)).containsExactly(started(500), stopped(1300));
        // threshold 0.5: voiced above -40 dBFS
        assertThat(feed(new VoiceActivityDetector(0.5, 0, 300), quiet)).isEmpty();
        // and around -40 dBFS at 0.5
        assertThat(feed(new VoiceActivityDetector(0.5, 0, 300), concat(tone(500, -39.5), silence(300))))
                .containsExactly(started(0), stopped(800));
        assertThat(feed(new VoiceActivityDetector(0.5, 0, 300), concat(tone(500, -40.5), silence(300)))).isEmpty();
    }

    @Test
    void thresholdZeroHearsLowNoiseAndOneOnlyLoudAudio() {
        byte[] hiss = concat(silence(500), noise(500, -60, 7), silence(800));
        assertThat(feed(new VoiceActivityDetector(0, 0, 300), hiss)).containsExactly(started(500), stopped(1300));
        byte[] loud = concat(silence(500), tone(500, -12), silence(800));
        assertThat(feed(new VoiceActivityDetector(1, 0, 300), loud)).isEmpty();
        assertThat(feed(new VoiceActivityDetector(1, 0, 300), concat(silence(500), tone(500, -8), silence(800))))
                .containsExactly(started(500), stopped(1300));
    }

    @Test
    void prefixPaddingIsClampedAtZero() {
        byte[] early = concat(silence(100), tone(500, -20), silence(600));
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 500), early)).containsExactly(started(0), stopped(1100));
        assertThat(feed(new VoiceActivityDetector(0.5, 50, 500), early)).containsExactly(started(50), stopped(1100));
    }

    @Test
    void prefixPaddingIsClampedAtTheBufferStart() {
        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 300, 500);
        assertThat(feed(vad, silence(1000))).isEmpty();
        vad.bufferStartedAt(900);
        assertThat(feed(vad, concat(tone(500, -20), silence(600)))).containsExactly(started(900), stopped(2000));

        vad.bufferStartedAt(2100); // a later buffer start does not clamp a start far enough after it
        assertThat(feed(vad, concat(silence(400), tone(500, -20), silence(600))))
                .containsExactly(started(2200), stopped(3500));
    }

    @Test
    void shortPausesDoNotStopSpeech() {
        byte[] pause = concat(tone(500, -20), silence(490), tone(500, -20), silence(600));
        assertThat(feed(new VoiceActivityDetector(0.5, 0, 500), pause)).containsExactly(started(0), stopped(1990));
    }

    @Test
    void aSingleClickDoesNotStartSpeechButTwoFramesDo() {
        byte[] click = concat(silence(500), tone(10, -10), silence(500), tone(10, -10), silence(20), tone(10, -10),
                silence(500));
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 500), click)).isEmpty();

        byte[] twoFrames = concat(silence(500), tone(20, -10), silence(600));
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 500), twoFrames)).containsExactly(started(200), stopped(1020));
    }

    @Test
    void silenceDurationIsRoundedUpToWholeFrames() {
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 491), UTTERANCE)).containsExactly(started(700), stopped(2500));
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 501), UTTERANCE)).containsExactly(started(700), stopped(2510));
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 1), UTTERANCE)).containsExactly(started(700), stopped(2010));
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 0), UTTERANCE)).containsExactly(started(700), stopped(2000));
    }

    @Test
    void silenceLongerThanTheAudioNeverStops() {
        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 300, Integer.MAX_VALUE);
        assertThat(feed(vad, UTTERANCE)).containsExactly(started(700));
        assertThat(vad.speaking()).isTrue();
    }

    @Test
    void twoUtterances() {
        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 300, 500);
        assertThat(feed(vad, TWO_UTTERANCES))
                .containsExactly(started(700), stopped(2500), started(2700), stopped(4200));
        assertThat(vad.timelineMs()).isEqualTo(4300);
    }

    @Test
    void resetForgetsTheSpeechButKeepsTheTimeline() {
        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 300, 500);
        assertThat(feed(vad, concat(silence(1000), tone(500, -20)))).containsExactly(started(700));
        vad.reset();
        vad.bufferStartedAt(1500);
        assertThat(vad.speaking()).isFalse();
        assertThat(vad.timelineMs()).isEqualTo(1500);
        // speech still going on after a manual commit starts again, not before the new buffer
        assertThat(feed(vad, concat(tone(500, -20), silence(600)))).containsExactly(started(1500), stopped(2500));

        // a pending first voiced frame is forgotten too
        assertThat(feed(vad, concat(silence(990), tone(10, -20)))).isEmpty();
        vad.reset();
        assertThat(feed(vad, concat(tone(10, -20), silence(600)))).isEmpty();
        assertThat(vad.timelineMs()).isEqualTo(4210);
    }

    @Test
    void invalidSettingsNameTheArgument() {
        assertThatThrownBy(() -> new VoiceActivityDetector(1.5, 300, 500))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("threshold : 1.5 (expected: 0..1)");
        assertThatThrownBy(() -> new VoiceActivityDetector(-0.1, 300, 500))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("threshold : -0.1 (expected: 0..1)");
        assertThatThrownBy(() -> new VoiceActivityDetector(Double.NaN, 300, 500))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("threshold : NaN (expected: 0..1)");
        assertThatThrownBy(() -> new VoiceActivityDetector(0.5, -1, 500))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("prefixPaddingMs : -1 (expected: >= 0)");
        assertThatThrownBy(() -> new VoiceActivityDetector(0.5, 300, -5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("silenceDurationMs : -5 (expected: >= 0)");
    }
}
