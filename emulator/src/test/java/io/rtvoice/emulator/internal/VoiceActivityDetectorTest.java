package io.rtvoice.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.emulator.internal.VoiceActivityDetector.Transition;
import io.rtvoice.emulator.internal.VoiceActivityDetector.Transition.Kind;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VoiceActivityDetectorTest {

    /** {@code ms} of a 300 Hz tone at {@code dbfs} (RMS), PCM16 LE 24 kHz; silence for NaN. */
    static byte[] tone(int ms, double dbfs) {
        byte[] out = new byte[ms * 48];
        if (Double.isNaN(dbfs)) {
            return out;
        }
        double peak = Math.sqrt(2) * 32768 * Math.pow(10, dbfs / 20);
        for (int i = 0; i < ms * 24; i++) {
            short s = (short) Math.round(peak * Math.sin(2 * Math.PI * 300 * i / 24_000.0));
            out[2 * i] = (byte) s;
            out[2 * i + 1] = (byte) (s >> 8);
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

    private static final byte[] UTTERANCE = concat(tone(1000, Double.NaN), tone(1000, -20), tone(1000, Double.NaN));

    @Test
    void silenceIsNotSpeech() {
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 500), tone(3000, Double.NaN), 960)).isEmpty();
    }

    @Test
    void oneUtteranceStartsWithPaddingAndStopsAfterTheSilence() {
        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 300, 500);
        assertThat(feed(vad, UTTERANCE, 960)).containsExactly(
                new Transition(Kind.SPEECH_STARTED, 700), new Transition(Kind.SPEECH_STOPPED, 2500));
        assertThat(vad.timelineMs()).isEqualTo(3000);
        assertThat(vad.speaking()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 480, 4800})
    void chunkSizeDoesNotMatter(int chunk) {
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 500), UTTERANCE, chunk))
                .isEqualTo(feed(new VoiceActivityDetector(0.5, 300, 500), UTTERANCE, UTTERANCE.length));
    }

    @Test
    void thresholdIsHonoured() {
        byte[] quiet = concat(tone(500, Double.NaN), tone(500, -45), tone(800, Double.NaN));
        assertThat(feed(new VoiceActivityDetector(0.3, 0, 300), quiet, 960)).hasSize(2); // voiced above -52 dBFS
        assertThat(feed(new VoiceActivityDetector(0.5, 0, 300), quiet, 960)).isEmpty(); // needs -40 dBFS
    }

    @Test
    void prefixPaddingIsClampedAtZeroAndAtTheBufferStart() {
        byte[] early = concat(tone(100, Double.NaN), tone(500, -20), tone(600, Double.NaN));
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 500), early, 960).get(0).audioMs()).isZero();

        VoiceActivityDetector vad = new VoiceActivityDetector(0.5, 300, 500);
        feed(vad, tone(1000, Double.NaN), 960);
        vad.bufferStartedAt(900);
        assertThat(feed(vad, concat(tone(500, -20), tone(600, Double.NaN)), 960).get(0).audioMs()).isEqualTo(900);
    }

    @Test
    void shortPausesAndClicksDoNotChangeTheState() {
        byte[] click = concat(tone(500, Double.NaN), tone(10, -10), tone(500, Double.NaN));
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 500), click, 960)).isEmpty();

        byte[] pause = concat(tone(500, -20), tone(300, Double.NaN), tone(500, -20), tone(600, Double.NaN));
        assertThat(feed(new VoiceActivityDetector(0.5, 0, 500), pause, 960)).containsExactly(
                new Transition(Kind.SPEECH_STARTED, 0), new Transition(Kind.SPEECH_STOPPED, 1800));
    }

    @Test
    void twoUtterances() {
        byte[] two = concat(UTTERANCE, tone(700, -20), tone(600, Double.NaN));
        assertThat(feed(new VoiceActivityDetector(0.5, 300, 500), two, 960)).containsExactly(
                new Transition(Kind.SPEECH_STARTED, 700), new Transition(Kind.SPEECH_STOPPED, 2500),
                new Transition(Kind.SPEECH_STARTED, 2700), new Transition(Kind.SPEECH_STOPPED, 4200));
    }

    @Test
    void invalidSettingsNameTheArgument() {
        assertThatThrownBy(() -> new VoiceActivityDetector(1.5, 300, 500)).hasMessage("threshold : 1.5 (expected: 0..1)");
        assertThatThrownBy(() -> new VoiceActivityDetector(0.5, -1, 500)).hasMessage("prefixPaddingMs : -1 (expected: >= 0)");
        assertThatThrownBy(() -> new VoiceActivityDetector(0.5, 300, -5)).hasMessage("silenceDurationMs : -5 (expected: >= 0)");
    }
}
