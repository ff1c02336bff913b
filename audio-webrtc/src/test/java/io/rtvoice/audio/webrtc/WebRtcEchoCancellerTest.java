package io.rtvoice.audio.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.spi.EchoCanceller;
import io.rtvoice.audio.testing.Signals;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * WebRTC's canceller on a synthetic echo of real speech (espeak-ng): the far end delayed 60 ms at −10 dB with
 * two reflections and a noise floor, then a near-end talker over it. Every rate the Realtime API uses.
 */
class WebRtcEchoCancellerTest {

    @TempDir
    static Path dir;

    private static final String FAR = "The weather in Paris is mild today, with a light breeze from the west and a few clouds."
            + " Tomorrow brings rain in the morning, then sunshine in the afternoon, and a cool evening by the river.";
    private static final String NEAR = "Wait, stop, I have a question.";

    @ParameterizedTest
    @ValueSource(ints = {8_000, 16_000, 24_000})
    void cancelsTheEchoAndKeepsTheNearEndTalker(int rate) throws Exception {
        short[] far = speech(FAR, rate, "far");
        short[] near = speech(NEAR, rate, "near");
        int nearAt = far.length - near.length - rate; // the user talks over the last seconds
        short[] mic = echo(far, near, nearAt, rate);
        short[] out = new short[mic.length];
        int frame = rate / 100;
        try (EchoCanceller aec = WebRtcAudio.echoCanceller().open(rate, rate)) {
            aec.delayMillis(60);
            for (int at = 0; at + frame <= mic.length; at += frame) {
                aec.played(far, at);
                aec.capture(mic, at, out, at);
            }
        }
        // ERLE per second of far end alone, after two seconds of convergence.
        StringBuilder perSecond = new StringBuilder();
        double sum = 0;
        int seconds = 0;
        for (int s = 2 * rate; s + rate <= nearAt; s += rate) {
            double erle = Signals.rmsDbfs(mic, s, s + rate) - Signals.rmsDbfs(out, s, s + rate);
            perSecond.append(String.format(Locale.ROOT, " %.1f", erle));
            sum += erle;
            seconds++;
        }
        double mean = sum / seconds;
        // Double talk: the near end survives, little changed.
        double nearLoss = Signals.rmsDbfs(near, 0, near.length) - Signals.rmsDbfs(out, nearAt, nearAt + near.length);
        int maxLag = rate / 20; // the canceller's output lags its input by a few ms
        double[] kept = Signals.bestCorrelation(near, java.util.Arrays.copyOfRange(out, nearAt, nearAt + near.length + maxLag), maxLag);
        System.out.printf(Locale.ROOT, "webrtc aec, synthetic echo at %d Hz: ERLE mean %.1f dB (per second:%s); near end in double "
                + "talk %.1f dB down, correlation %.2f at %.1f ms%n", rate, mean, perSecond, nearLoss, kept[0],
                kept[1] * 1000 / rate);
        assertThat(mean).as("mean ERLE after convergence, dB").isGreaterThanOrEqualTo(25);
        assertThat(nearLoss).as("near-end level lost in double talk, dB").isLessThan(6);
        assertThat(kept[0]).as("near-end correlation in double talk").isGreaterThan(0.7);
    }

    /** The microphone: the far end's echo (60 ms, −10 dB, reflections at +7 and +19 ms), the talker, a noise floor. */
    private static short[] echo(short[] far, short[] near, int nearAt, int rate) {
        double[] mic = new double[far.length];
        int[] delays = {60, 67, 79};
        double[] gains = {0.316, 0.1, 0.05};
        for (int k = 0; k < delays.length; k++) {
            int d = delays[k] * rate / 1000;
            for (int i = d; i < far.length; i++) {
                mic[i] += gains[k] * far[i - d];
            }
        }
        for (int i = 0; i < near.length; i++) {
            mic[nearAt + i] += near[i];
        }
        Random noise = new Random(7);
        short[] out = new short[mic.length];
        for (int i = 0; i < mic.length; i++) {
            out[i] = (short) Math.max(-32768, Math.min(32767, Math.round(mic[i] + noise.nextGaussian() * 10)));
        }
        return out;
    }

    private static short[] speech(String text, int rate, String name) throws Exception {
        Wav.Audio wav = Signals.speech(text, dir.resolve(name + "-" + rate + ".wav"));
        return Resampler.convert(Pcm.toShorts(wav.data()), wav.format().sampleRate(), rate);
    }

    @Test
    void refusesARateItCannotRun() {
        assertThatThrownBy(() -> WebRtcAudio.echoCanceller().open(44_100, 24_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("44100");
    }

    @Test
    void afterCloseTheAudioPassesUnchanged() {
        EchoCanceller aec = WebRtcAudio.echoCanceller().open(24_000, 24_000);
        aec.close();
        aec.close(); // idempotent
        short[] in = Signals.tone(440, 24_000, 0.3, 0.01);
        short[] out = new short[in.length];
        aec.capture(in, 0, out, 0);
        aec.played(in, 0);
        assertThat(out).isEqualTo(in);
    }
}
