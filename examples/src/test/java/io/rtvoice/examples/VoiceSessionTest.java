package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.WavAudioBackend;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.Responder;
import io.rtvoice.emulator.SyntheticVoice;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.voice.LatencySample;
import io.rtvoice.voice.VoiceSession;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;

/**
 * Microphone ↔ model ↔ speaker end to end: espeak-ng speech from a WAV file as the microphone, the
 * emulator over loopback as the model, a WAV file written at the speaker's real-time pace as the speaker.
 */
class VoiceSessionTest {

    static final String KEY = "sk-voice-test";
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String LONG_REPLY = String.join(" ", java.util.Collections.nCopies(40, "blah")) + ".";

    @TempDir
    Path dir;

    /** espeak-ng says {@code text}; the file gets {@code silenceMs} of silence after it, at 24 kHz. */
    Path utterances(String name, int silenceMs, String... texts) throws Exception {
        java.io.ByteArrayOutputStream pcm = new java.io.ByteArrayOutputStream();
        for (String text : texts) {
            Wav.Audio speech = Signals.speech(text, dir.resolve(name + "-raw.wav"));
            short[] raw = Pcm.toShorts(speech.data());
            Resampler to24k = Resampler.create(speech.format().sampleRate(), 24_000);
            short[] out = new short[to24k.maxOutput(raw.length) + to24k.delaySamples()];
            int n = to24k.process(raw, 0, raw.length, out, 0);
            n += to24k.drain(out, n);
            pcm.writeBytes(Pcm.toBytes(java.util.Arrays.copyOf(out, n)));
            pcm.writeBytes(new byte[silenceMs * 48]);
        }
        Path file = dir.resolve(name + ".wav");
        Wav.write(file, AudioFormat.PCM16_24K_MONO, pcm.toByteArray());
        return file;
    }

    static Conversation conversation(RealtimeEmulator emulator, Dialect dialect) {
        Endpoint endpoint = dialect == Dialect.GA ? Endpoint.custom(emulator.uri("/v1/realtime?model=m"), Dialect.GA)
                : Endpoint.azurePreview(URI.create("http://127.0.0.1:" + emulator.port()), "d", "2024-10-01-preview");
        return Conversation.connect(RealtimeClient.builder().endpoint(endpoint).credentials(Credentials.apiKey(KEY)).build())
                .block(TIMEOUT);
    }

    static int indexOf(short[] haystack, short[] needle, int length) {
        for (int at = 0; at + length <= haystack.length; at++) {
            if (java.util.Arrays.equals(haystack, at, at + length, needle, 0, length)) {
                return at;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aSpokenTurnIsAnsweredAndTheAnswerPlaysCompletely(Dialect dialect) throws Exception {
        Path microphone = utterances("turn", 1000, "Hello, what is the weather like today?");
        Path speaker = dir.resolve("speaker.wav");
        List<LatencySample> latency = new CopyOnWriteArrayList<>();
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).start()) {
            Conversation conversation = conversation(emulator, dialect);
            WavAudioBackend files = new WavAudioBackend(); // real-time pace, like a microphone and a speaker
            VoiceSession voice = VoiceSession.builder().conversation(conversation)
                    .input(files.openInput(AudioSpec.of(24_000).device(microphone.toString())))
                    .output(files.openOutput(AudioSpec.of(24_000).device(speaker.toString())))
                    .build();
            voice.latency().subscribe(latency::add);
            reactor.core.publisher.Mono<String> answer = conversation.events()
                    .ofType(ServerEvent.ResponseOutputAudioTranscriptDone.class).next()
                    .map(ServerEvent.ResponseOutputAudioTranscriptDone::transcript).cache();
            answer.subscribe();
            voice.start().block(TIMEOUT);
            String transcript = answer.block(TIMEOUT);
            // Let it play out: the playout buffer drains after response.done.
            Flux.interval(Duration.ofMillis(20)).filter(t -> voice.playoutStats().playedSamples()
                    >= SyntheticVoice.speak(transcript).length / 2).blockFirst(TIMEOUT);
            voice.close();

            assertThat(transcript).matches("I heard \\d\\.\\d seconds of audio\\.");
            short[] reply = Pcm.toShorts(SyntheticVoice.speak(transcript));
            short[] heard = Pcm.toShorts(Wav.read(speaker).data());
            assertThat(indexOf(heard, reply, reply.length)).as("the whole reply, every sample, in what the speaker played")
                    .isNotNegative();
            assertThat(latency).extracting(LatencySample::kind).contains(LatencySample.Kind.VOICE_TO_VOICE,
                    LatencySample.Kind.RESPONSE_TO_FIRST_DELTA, LatencySample.Kind.DELTA_TO_PLAYED);
        }
    }
}
