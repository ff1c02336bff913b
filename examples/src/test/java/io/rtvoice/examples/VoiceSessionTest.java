package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.testing.MemoryBackend;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.WavAudioBackend;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.Responder;
import io.rtvoice.emulator.SyntheticVoice;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.voice.LatencySample;
import io.rtvoice.voice.VoiceSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

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
    static Path utterances(Path dir, String name, int silenceMs, String... texts) throws Exception {
        java.io.ByteArrayOutputStream pcm = new java.io.ByteArrayOutputStream();
        for (String text : texts) {
            Wav.Audio speech = Signals.speech(text, dir.resolve(name + "-raw.wav"));
            pcm.writeBytes(Pcm.toBytes(Resampler.convert(Pcm.toShorts(speech.data()), speech.format().sampleRate(), 24_000)));
            pcm.writeBytes(new byte[silenceMs * 48]);
        }
        Path file = dir.resolve(name + ".wav");
        Wav.write(file, AudioFormat.pcm16(24_000, 1), pcm.toByteArray());
        return file;
    }

    static Conversation conversation(RealtimeEmulator emulator, Dialect dialect) {
        return Conversation.connect(RealtimeClient.builder().endpoint(EmulatorExtension.endpoint(emulator, dialect))
                .credentials(Credentials.apiKey(KEY)).build()).block(TIMEOUT);
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
        Path microphone = utterances(dir, "turn", 1000, "Hello, what is the weather like today?");
        Path speaker = dir.resolve("speaker.wav");
        List<LatencySample> latency = new CopyOnWriteArrayList<>();
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).start()) {
            Conversation conversation = conversation(emulator, dialect);
            WavAudioBackend files = new WavAudioBackend(); // real-time pace, like a microphone and a speaker
            VoiceSession voice = VoiceSession.builder().conversation(conversation)
                    .input(files.openCapture(AudioSpec.of(24_000).device(microphone.toString())))
                    .output(files.openPlayback(AudioSpec.of(24_000).device(speaker.toString())))
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

    /**
     * The same spoken turn on a phone-line session: μ-law both ways. The microphone file (24 kHz) is
     * captured at 8 kHz, the emulator's VAD hears the μ-law appends, and the μ-law answer plays, decoded,
     * every sample, through a speaker that runs at 8 kHz.
     */
    @Test
    void aSpokenTurnOnAMuLawSessionIsAnsweredAndTheAnswerPlaysCompletely() throws Exception {
        Path microphone = utterances(dir, "turn", 1000, "Hello, what is the weather like today?");
        Path speaker = dir.resolve("speaker.wav");
        List<LatencySample> latency = new CopyOnWriteArrayList<>();
        List<byte[]> deltas = new CopyOnWriteArrayList<>();
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).start()) {
            Conversation conversation = conversation(emulator, Dialect.GA);
            // A recorder beside the player: the voice session routes the audio it plays, so the events carry none.
            conversation.session().routeAudio((response, item, output, content, audio, offset, length) ->
                    deltas.add(java.util.Arrays.copyOfRange(audio, offset, offset + length)));
            WavAudioBackend files = new WavAudioBackend();
            VoiceSession voice = VoiceSession.builder().conversation(conversation)
                    .session(SessionConfig.builder().inputAudioFormat(RealtimeAudioFormat.G711_ULAW)
                            .outputAudioFormat(RealtimeAudioFormat.G711_ULAW).build())
                    .input(files.openCapture(AudioSpec.forDevice(microphone.toString())))
                    .output(files.openPlayback(AudioSpec.of(8_000).device(speaker.toString())))
                    .build();
            voice.latency().subscribe(latency::add);
            Mono<ServerEvent.ResponseDone> done = conversation.events().ofType(ServerEvent.ResponseDone.class).next().cache();
            Mono<String> answer = conversation.events().ofType(ServerEvent.ResponseOutputAudioTranscriptDone.class).next()
                    .map(ServerEvent.ResponseOutputAudioTranscriptDone::transcript).cache();
            answer.subscribe();
            done.subscribe();
            voice.start().block(TIMEOUT);
            String transcript = answer.block(TIMEOUT);
            done.block(TIMEOUT);
            short[] reply = playedOut(voice, deltas);

            assertThat(transcript).matches("I heard \\d\\.\\d seconds of audio\\.");
            assertThat(reply.length).isGreaterThan(4_000);
            short[] heard = Pcm.toShorts(Wav.read(speaker).data());
            assertThat(indexOf(heard, reply, reply.length)).as("the whole μ-law reply, decoded, every sample, in what the speaker played")
                    .isNotNegative();
            assertThat(latency).extracting(LatencySample::kind).contains(LatencySample.Kind.VOICE_TO_VOICE,
                    LatencySample.Kind.RESPONSE_TO_FIRST_DELTA, LatencySample.Kind.DELTA_TO_PLAYED);
        }
    }

    /**
     * The user speaks again while the (long) answer plays: playback stops, and the truncate the emulator
     * receives is what the speaker really played — checked against the speaker's own file.
     */
    @Test
    void bargeInStopsPlaybackAndTruncatesAtWhatWasHeard() throws Exception {
        Path microphone = utterances(dir, "two", 2500, "Tell me a long story.", "Stop, please.");
        Path speaker = dir.resolve("speaker.wav");
        List<ServerEvent> seen = new CopyOnWriteArrayList<>();
        Responder chatty = turn -> new Responder.Reply.Speech(LONG_REPLY);
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).responder(chatty).start()) {
            Conversation conversation = conversation(emulator, Dialect.GA);
            conversation.events().subscribe(seen::add);
            WavAudioBackend files = new WavAudioBackend();
            VoiceSession voice = VoiceSession.builder().conversation(conversation)
                    .input(files.openCapture(AudioSpec.of(24_000).device(microphone.toString())))
                    .output(files.openPlayback(AudioSpec.of(24_000).device(speaker.toString())))
                    .build();
            reactor.core.publisher.Mono<VoiceSession.Interruption> cut = voice.interruptions().next().cache();
            cut.subscribe();
            reactor.core.publisher.Mono<ServerEvent.ConversationItemTruncated> truncated = conversation.events()
                    .ofType(ServerEvent.ConversationItemTruncated.class).next().cache();
            truncated.subscribe();
            voice.start().block(TIMEOUT);

            VoiceSession.Interruption truncation = cut.block(TIMEOUT);
            ServerEvent.ConversationItemTruncated confirmed = truncated.block(TIMEOUT);
            // The second utterance is answered too: the session goes on after the interruption.
            Flux.fromIterable(seen).concatWith(conversation.events()).ofType(ServerEvent.ResponseDone.class)
                    .filter(d -> "completed".equals(d.response().status())).blockFirst(TIMEOUT);
            voice.close();

            short[] reply = Pcm.toShorts(SyntheticVoice.speak(LONG_REPLY));
            short[] heard = Pcm.toShorts(Wav.read(speaker).data());
            int start = indexOf(heard, reply, 2400); // the reply's first 100 ms, where it began to play
            assertThat(start).isNotNegative();
            int exact = 0;
            while (start + exact < heard.length && exact < reply.length && heard[start + exact] == reply[exact]) {
                exact++;
            }
            long heardMs = exact * 1000L / 24_000;
            System.out.printf("barge-in: received %d ms, heard untouched %d ms, truncated at %d ms%n",
                    truncation.receivedMillis(), heardMs, truncation.playedMillis());
            assertThat(truncation.deleted()).isFalse();
            assertThat(truncation.playedMillis()).isLessThan(truncation.receivedMillis());
            assertThat(confirmed.itemId()).isEqualTo(truncation.itemId());
            assertThat((long) confirmed.audioEndMs()).isEqualTo(truncation.playedMillis());
            // What was played untouched, then a 10 ms fade: the truncate is within one 20 ms period of it.
            assertThat(truncation.playedMillis() - heardMs).isBetween(0L, 10L + 20L);
            assertThat(seen).noneMatch(e -> e instanceof ServerEvent.Error);
        }
    }

    /** Interrupting before anything played deletes the unheard item; after playback ended, nothing is sent. */
    @Test
    void bargeInBeforeAnythingPlayedOrAfterItEndedSendsNoInvalidTruncate() throws Exception {
        Path speaker = dir.resolve("speaker.wav");
        List<ServerEvent> seen = new CopyOnWriteArrayList<>();
        // Real-time pace: the first answer is still arriving when it is interrupted.
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(1).start()) {
            Conversation conversation = conversation(emulator, Dialect.GA);
            conversation.events().subscribe(seen::add);
            VoiceSession voice = VoiceSession.builder().conversation(conversation).mode(VoiceSession.Mode.PUSH_TO_TALK)
                    .output(new WavAudioBackend().openPlayback(AudioSpec.of(24_000).device(speaker.toString())))
                    .prebufferMillis(5_000) // nothing plays until five seconds are buffered
                    .build();
            List<VoiceSession.Interruption> cuts = new CopyOnWriteArrayList<>();
            voice.interruptions().subscribe(cuts::add);
            voice.start().block(TIMEOUT);
            reactor.core.publisher.Mono<ServerEvent.ConversationItemDeleted> deleted = conversation.events()
                    .ofType(ServerEvent.ConversationItemDeleted.class).next().cache();
            deleted.subscribe();

            conversation.addUserText("First question");
            io.rtvoice.conversation.ConversationResponse first = conversation.respond().block(TIMEOUT);
            Flux.interval(Duration.ofMillis(5)).filter(t -> voice.playoutStats().writtenSamples() > 0).blockFirst(TIMEOUT);
            voice.interrupt(); // audio received, none played yet
            assertThat(cuts).singleElement().satisfies(c -> {
                assertThat(c.deleted()).isTrue();
                assertThat(c.playedMillis()).isZero();
            });
            assertThat(deleted.block(TIMEOUT).itemId()).isEqualTo(cuts.get(0).itemId());
            assertThat(first.done().block(TIMEOUT).status()).isEqualTo("cancelled");

            conversation.addUserText("Second question");
            String second = conversation.respond().flatMap(r -> r.done()).block(TIMEOUT).status();
            assertThat(second).isEqualTo("completed");
            // Let the second answer play to its end (the stream ended, so the pre-buffer does not hold it back).
            Flux.interval(Duration.ofMillis(20)).filter(t -> voice.playoutStats().state()
                    == io.rtvoice.audio.PlayoutBuffer.State.IDLE).blockFirst(TIMEOUT);
            voice.interrupt(); // playback had finished: nothing to correct
            assertThat(cuts).hasSize(1);

            conversation.addUserText("Third question");
            assertThat(conversation.respond().flatMap(r -> r.done()).block(TIMEOUT).status()).isEqualTo("completed");
            voice.close();
            assertThat(seen).noneMatch(e -> e instanceof ServerEvent.Error);
        }
    }

    /**
     * The wire format flows from the session: asked for G.711 μ-law, the session sends μ-law appends (the
     * emulator measures them at one byte per sample) and plays the μ-law answer, decoded sample for sample.
     */
    @Test
    void aMuLawSessionSendsMuLawAndPlaysTheMuLawAnswerExactly() throws Exception {
        Path speaker = dir.resolve("speaker.wav");
        List<byte[]> deltas = new CopyOnWriteArrayList<>();
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).start()) {
            Conversation conversation = conversation(emulator, Dialect.GA);
            // A recorder beside the player: the voice session routes the audio it plays, so the events carry none.
            conversation.session().routeAudio((response, item, output, content, audio, offset, length) ->
                    deltas.add(java.util.Arrays.copyOfRange(audio, offset, offset + length)));
            VoiceSession voice = VoiceSession.builder().conversation(conversation).mode(VoiceSession.Mode.PUSH_TO_TALK)
                    .session(SessionConfig.builder().inputAudioFormat(RealtimeAudioFormat.G711_ULAW)
                            .outputAudioFormat(RealtimeAudioFormat.G711_ULAW).build())
                    // The file runs at 8 kHz: no resampling between the decoded answer and what it records.
                    .output(new WavAudioBackend().openPlayback(AudioSpec.of(8_000).device(speaker.toString())))
                    .build();
            Mono<ServerEvent.ResponseOutputAudioTranscriptDone> answer = conversation.events()
                    .ofType(ServerEvent.ResponseOutputAudioTranscriptDone.class).next().cache();
            answer.subscribe();
            voice.start().block(TIMEOUT);
            assertThat(voice.inputFormat()).isEqualTo(RealtimeAudioFormat.G711_ULAW);
            assertThat(voice.outputFormat()).isEqualTo(RealtimeAudioFormat.G711_ULAW);

            voice.pressToTalk();
            short[] tone = Signals.tone(440, voice.inputFormat().sampleRateHz(), 0.3, 1.5); // 1.5 s at the input rate
            for (int at = 0; at < tone.length; at += 160) {
                voice.send(Pcm.toBytes(java.util.Arrays.copyOfRange(tone, at, Math.min(tone.length, at + 160))));
            }
            voice.releaseToTalk();
            String transcript = answer.block(TIMEOUT).transcript();
            short[] reply = playedOut(voice, deltas);

            // PCM16 appends of 1.5 s at 8 kHz would have been measured as 3.0 s.
            assertThat(transcript).isEqualTo("I heard 1.5 seconds of audio.");
            Wav.Audio played = Wav.read(speaker);
            assertThat(played.format().sampleRate()).isEqualTo(8_000);
            assertThat(reply.length).isGreaterThan(4_000); // half a second or more of answer
            assertThat(indexOf(Pcm.toShorts(played.data()), reply, reply.length))
                    .as("the whole μ-law answer, decoded, every sample, in what the speaker played").isNotNegative();
        }
    }

    /**
     * The connection drops while a session runs (the emulator cuts TCP mid-answer): the session ends by
     * itself, closing both ends exactly once and ending their threads, without blocking the connection's
     * event loop (BlockHound, installed by SuiteGuard, fails this class if anything does).
     */
    @Test
    void aDroppedConnectionClosesBothEndsAndEndsEveryThread() throws Exception {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(1).start()) {
            Conversation conversation = Conversation.connect(RealtimeClient.builder()
                    .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=m&rtvoice_fault=close_after:12"), Dialect.GA))
                    .credentials(Credentials.apiKey(KEY)).build()).block(TIMEOUT);
            MemoryBackend ends = new MemoryBackend(new short[16_000 * 60]); // a minute of silence to capture
            MemoryBackend.Recorder speaker = ends.openPlayback(null);
            VoiceSession voice = VoiceSession.builder().conversation(conversation)
                    .input(ends.openCapture(null)).output(speaker).build();
            voice.start().block(TIMEOUT);
            assertThat(liveEndThreads()).isNotEmpty();

            conversation.addUserText("Tell me a long story.");
            conversation.respond().subscribe(r -> { }, e -> { });
            // Every stream of the session completes when it has closed itself.
            voice.transcripts().then().block(TIMEOUT);
            StepVerifier.create(conversation.events()).expectError(io.rtvoice.SessionEndedException.class).verify(TIMEOUT);

            Flux.interval(Duration.ofMillis(10)).filter(t -> liveEndThreads().isEmpty()).blockFirst(TIMEOUT);
            assertThat(ends.captureCloses()).isEqualTo(1);
            assertThat(speaker.closes()).isEqualTo(1);
        }
    }

    /** The μ-law answer the deltas carried, decoded, once the session has played all of it; the session is closed. */
    private static short[] playedOut(VoiceSession voice, List<byte[]> deltas) {
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        deltas.forEach(wire::writeBytes);
        short[] reply = io.rtvoice.audio.G711.decodeMuLaw(wire.toByteArray());
        Flux.interval(Duration.ofMillis(20)).filter(t -> voice.playoutStats().playedSamples() >= reply.length).blockFirst(TIMEOUT);
        voice.close();
        return reply;
    }

    private static List<String> liveEndThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("rtvoice-capture-") || n.startsWith("rtvoice-playback-")).toList();
    }
}
