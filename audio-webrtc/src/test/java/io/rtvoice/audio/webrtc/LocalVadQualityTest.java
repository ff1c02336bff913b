package io.rtvoice.audio.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.MemoryBackend;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.testing.InMemoryTransport;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.voice.SpeechEvent;
import io.rtvoice.voice.VoiceSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebRTC's voice activity detector behind the voice session's local VAD ({@link LocalVad}'s defaults), on real
 * speech (espeak-ng), silence, music-like sound and speech in noise: each utterance's onset must be found, and
 * every start the detector makes elsewhere is a false start. Counts are printed for the record.
 */
class LocalVadQualityTest {

    private static final int RATE = 24_000;
    private static final String[] SENTENCES = {
        "Hello, what is the weather like today?",
        "Book me a table for two at eight.",
        "How far is it to the station?",
        "Yes.",
        "Could you repeat that more slowly, please?",
    };
    private static final double GAP_SECONDS = 1.5;

    @TempDir
    static Path dir;
    private static final List<short[]> utterances = new ArrayList<>();

    @BeforeAll
    static void speech() throws Exception {
        for (int i = 0; i < SENTENCES.length; i++) {
            Wav.Audio wav = Signals.speech(SENTENCES[i], dir.resolve("s" + i + ".wav"));
            utterances.add(Resampler.convert(Pcm.toShorts(wav.data()), wav.format().sampleRate(), RATE));
        }
    }

    @Test
    void speechInQuietIsFoundEveryTimeWithNoFalseStart() {
        Counts counts = run(scene(0, Double.NaN));
        System.out.println("local VAD (webrtc), speech in quiet: " + counts);
        assertThat(counts.missed).isZero();
        assertThat(counts.falseStarts).isZero();
        assertThat(counts.lateMillis).as("onset to start, worst, ms").isLessThanOrEqualTo(200);
    }

    @Test
    void speechInNoiseAtTenDecibelsSnrIsFound() {
        Counts counts = run(scene(0, 10));
        System.out.println("local VAD (webrtc), speech in white noise at 10 dB SNR: " + counts);
        assertThat(counts.missed).isLessThanOrEqualTo(1);
        assertThat(counts.falseStarts).isLessThanOrEqualTo(1);
    }

    @Test
    void silenceStartsNothing() {
        Counts counts = run(new Scene(noise(new short[10 * RATE], -70, 1), List.of()));
        System.out.println("local VAD (webrtc), 10 s of silence: " + counts);
        assertThat(counts.falseStarts).isZero();
    }

    @Test
    void musicLikeSoundIsCounted() {
        Counts counts = run(new Scene(music(10), List.of()));
        System.out.println("local VAD (webrtc), 10 s of music-like chords (40 notes): " + counts);
        // Harmonic, voice-pitched notes are what a pitch-based detector may take for speech: counted, and bounded (1 in 40 here).
        assertThat(counts.falseStarts).isLessThanOrEqualTo(4);
    }

    /** The audio, and the onsets of the speech in it (samples). */
    private record Scene(short[] audio, List<Integer> onsets) {
    }

    private static final class Counts {
        int onsets;
        int found;
        int missed;
        int falseStarts;
        long lateMillis;
        int starts;

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d utterances, %d found, %d missed; %d starts, %d false; worst onset-to-start %d ms",
                    onsets, found, missed, starts, falseStarts, lateMillis);
        }
    }

    /** Utterances with gaps between them, in a noise floor (or white noise at {@code snrDb} to the speech). */
    private static Scene scene(int seed, double snrDb) {
        int length = 0;
        for (short[] u : utterances) {
            length += (int) (GAP_SECONDS * RATE) + u.length;
        }
        length += (int) (GAP_SECONDS * RATE);
        double[] mix = new double[length];
        List<Integer> onsets = new ArrayList<>();
        int at = (int) (GAP_SECONDS * RATE);
        double speechPower = 0;
        long speechSamples = 0;
        for (short[] u : utterances) {
            int onset = Signals.onset(u, RATE / 100, -45);
            onsets.add(at + onset);
            for (int i = 0; i < u.length; i++) {
                mix[at + i] += u[i];
                if (i >= onset) {
                    speechPower += (double) u[i] * u[i];
                    speechSamples++;
                }
            }
            at += u.length + (int) (GAP_SECONDS * RATE);
        }
        Random random = new Random(seed);
        double noiseRms = Double.isNaN(snrDb) ? 32768 * Math.pow(10, -70 / 20.0)
                : Math.sqrt(speechPower / speechSamples) / Math.pow(10, snrDb / 20);
        short[] audio = new short[length];
        for (int i = 0; i < length; i++) {
            audio[i] = clip(mix[i] + random.nextGaussian() * noiseRms);
        }
        return new Scene(audio, onsets);
    }

    private static short[] noise(short[] audio, double dbfs, long seed) {
        Random random = new Random(seed);
        double rms = 32768 * Math.pow(10, dbfs / 20);
        for (int i = 0; i < audio.length; i++) {
            audio[i] = clip(audio[i] + random.nextGaussian() * rms);
        }
        return audio;
    }

    /**
     * Music-like sound: four notes a second, each a chord of three harmonic-rich tones (five partials) from a
     * pentatonic scale, with attack and decay, near −20 dBFS.
     */
    private static short[] music(int seconds) {
        Random random = new Random(3);
        double[] scale = {220, 247.5, 277.2, 330, 370, 440, 495, 554.4, 660};
        int note = RATE / 4;
        short[] out = new short[seconds * RATE];
        for (int start = 0; start + note <= out.length; start += note) {
            double[] chord = {scale[random.nextInt(scale.length)], scale[random.nextInt(scale.length)], scale[random.nextInt(scale.length)]};
            for (int i = 0; i < note; i++) {
                double envelope = Math.min(1, i / (RATE * 0.01)) * Math.exp(-3.0 * i / note);
                double v = 0;
                for (double f : chord) {
                    for (int k = 1; k <= 5; k++) {
                        v += Math.sin(2 * Math.PI * f * k * i / RATE) / k;
                    }
                }
                out[start + i] = clip(v * envelope * 0.1 * 32767 / 3);
            }
        }
        return noise(out, -70, 2);
    }

    private static short clip(double v) {
        return (short) Math.max(-32768, Math.min(32767, Math.round(v)));
    }

    /** Sends the scene through a voice session with local VAD (20 ms at a time) and matches its starts with the onsets. */
    private static Counts run(Scene scene) {
        List<SpeechEvent> events = new CopyOnWriteArrayList<>();
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(InMemoryTransport.TIMEOUT);
            VoiceSession voice = VoiceSession.builder().conversation(conversation).output(new MemoryBackend.Recorder())
                    .localVad(LocalVad.of(WebRtcAudio.voiceActivityDetector())).build();
            voice.speech().subscribe(events::add);
            voice.start().block(InMemoryTransport.TIMEOUT);
            byte[] pcm = Pcm.toBytes(scene.audio());
            int chunk = RATE / 50 * 2;
            for (int at = 0; at < pcm.length; at += chunk) {
                voice.send(java.util.Arrays.copyOfRange(pcm, at, Math.min(pcm.length, at + chunk)));
            }
            voice.close();
        }
        Counts counts = new Counts();
        counts.onsets = scene.onsets().size();
        List<Long> starts = events.stream().filter(e -> e.kind() == SpeechEvent.Kind.STARTED).map(SpeechEvent::positionMillis).toList();
        counts.starts = starts.size();
        List<Long> matched = new ArrayList<>();
        for (int onset : scene.onsets()) {
            long onsetMillis = onset * 1000L / RATE;
            starts.stream().filter(s -> s >= onsetMillis - 150 && s <= onsetMillis + 300).findFirst().ifPresentOrElse(s -> {
                matched.add(s);
                counts.found++;
                counts.lateMillis = Math.max(counts.lateMillis, s - onsetMillis);
            }, () -> counts.missed++);
        }
        counts.falseStarts = (int) starts.stream().filter(s -> !matched.contains(s)).count();
        return counts;
    }
}
