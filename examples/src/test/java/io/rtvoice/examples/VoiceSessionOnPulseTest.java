package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.audio.AudioBackend;
import io.rtvoice.audio.AudioBackends;
import io.rtvoice.audio.AudioDevice;
import io.rtvoice.audio.AudioFrame;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.SyntheticVoice;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.voice.VoiceSession;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A spoken turn through real devices of a sound server (PulseAudio in CI, see {@code .ci/audio-setup.sh}):
 * espeak-ng speech is played into the default sink, the session's Java Sound microphone captures it from
 * that sink's monitor, the emulator's VAD hears it and answers, and the answer plays through OpenAL into a
 * second sink ({@code rtvoice-speaker}), whose monitor the test records and searches for the answer.
 */
class VoiceSessionOnPulseTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Pattern HEARD = Pattern.compile("I heard (\\d+\\.\\d) seconds of audio\\.");

    @TempDir
    Path dir;

    @Test
    void aTurnSpokenIntoTheMicrophoneIsAnsweredThroughTheSpeaker() throws Exception {
        AudioBackend javasound = backend("javasound");
        AudioBackend openal = backend("openal");
        String speaker = device(openal.outputDevices(), "rtvoice-speaker", false);
        String speakerMonitor = device(openal.inputDevices(), "rtvoice-speaker", true);
        Wav.Audio speech = Signals.speech("Hello, what is the weather like today?", dir.resolve("speech.wav"));
        double spokenSeconds = speech.data().length / 2.0 / speech.format().sampleRate();

        ByteArrayOutputStream recorded = new ByteArrayOutputStream();
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(VoiceSessionTest.KEY).pace(0).start();
                AudioInput recorder = openal.openInput(AudioSpec.of(24_000).device(speakerMonitor))) {
            recorder.frames().subscribe(frame -> record(recorded, frame));
            Conversation conversation = VoiceSessionTest.conversation(emulator, Dialect.GA);
            VoiceSession voice = VoiceSession.builder().conversation(conversation)
                    .input(javasound.openCapture(AudioSpec.of(24_000)))
                    .output(openal.openPlayback(AudioSpec.of(24_000).device(speaker)))
                    .build();
            Mono<String> answer = conversation.events().ofType(ServerEvent.ResponseOutputAudioTranscriptDone.class).next()
                    .map(ServerEvent.ResponseOutputAudioTranscriptDone::transcript).cache();
            answer.subscribe();
            voice.start().block(TIMEOUT);
            say(dir.resolve("speech.wav"));

            String transcript = answer.block(TIMEOUT);
            short[] reply = Pcm.toShorts(SyntheticVoice.speak(transcript));
            Flux.interval(Duration.ofMillis(10)).filter(t -> voice.playoutStats().playedSamples() >= reply.length
                    && voice.playoutStats().state() == PlayoutBuffer.State.IDLE).blockFirst(TIMEOUT);
            // The speaker's monitor lags the speaker by the device latency: record half a second more.
            int recordedWhenPlayed = size(recorded);
            Flux.interval(Duration.ofMillis(10)).filter(t -> size(recorded) >= recordedWhenPlayed + 24_000).blockFirst(TIMEOUT);
            voice.close();

            // The emulator's VAD heard the real-device speech, and heard about as much of it as was spoken.
            Matcher heard = HEARD.matcher(transcript);
            assertThat(heard.matches()).as(transcript).isTrue();
            assertThat(Double.parseDouble(heard.group(1))).as("seconds heard of %.2f spoken", spokenSeconds)
                    .isBetween(spokenSeconds - 0.6, spokenSeconds + 0.8);
            // And the answer came out of the speaker whole: the recording holds it, sample for sample alike.
            short[] speakerOut;
            synchronized (recorded) {
                speakerOut = Pcm.toShorts(recorded.toByteArray());
            }
            int onset = Signals.onset(speakerOut, 240, -40);
            assertThat(onset).as("the answer is audible in the speaker's recording").isNotNegative();
            short[] fromOnset = java.util.Arrays.copyOfRange(speakerOut, Math.max(0, onset - 1_200), speakerOut.length);
            double[] match = Signals.bestCorrelation(reply, fromOnset, 2_400);
            System.out.printf(Locale.ROOT, "pulse voice turn: spoke %.2f s, the emulator heard %s s; answer of %d ms recorded "
                    + "with correlation %.4f%n", spokenSeconds, heard.group(1), reply.length / 24, match[0]);
            assertThat(match[0]).as("correlation of the recorded answer with the answer sent").isGreaterThan(0.95);
        }
    }

    private static AudioBackend backend(String name) {
        Optional<AudioBackend> found = AudioBackends.available().stream().filter(b -> b.name().equals(name)).findFirst();
        Signals.requireAudio(found.isPresent(), "the " + name + " audio backend with a sound server");
        return found.orElseThrow();
    }

    /** The device of the second sink (or its monitor), as the backend names it. */
    private static String device(java.util.List<AudioDevice> devices, String sink, boolean monitor) {
        Optional<String> name = devices.stream().map(AudioDevice::name)
                .filter(n -> n.contains(sink) && n.toLowerCase(Locale.ROOT).contains("monitor") == monitor).findFirst();
        Signals.requireAudio(name.isPresent(), "the sound server's " + sink + " sink" + (monitor ? " monitor" : "")
                + " (from .ci/audio-setup.sh) among " + devices.stream().map(AudioDevice::name).toList());
        return name.orElseThrow();
    }

    /** Plays the file into the default sink, whose monitor is the default capture source: the microphone. */
    private static void say(Path wav) throws Exception {
        Process play = new ProcessBuilder("paplay", wav.toString()).redirectErrorStream(true).start();
        String output = new String(play.getInputStream().readAllBytes());
        assertThat(play.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(play.exitValue()).as(output).isZero();
    }

    private static void record(ByteArrayOutputStream recorded, AudioFrame frame) {
        synchronized (recorded) {
            recorded.write(frame.toByteArray(), 0, frame.byteLength());
        }
    }

    private static int size(ByteArrayOutputStream recorded) {
        synchronized (recorded) {
            return recorded.size() / 2;
        }
    }
}
