package io.rtvoice.voice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.audio.G711;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.testing.MemoryBackend;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.audio.testing.ToneFit;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.testing.InMemoryTransport;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The voice path with no Netty and no sound: the in-memory transport as the service, docs/audio-backends.md's memory
 * backend as both ends (its device runs at 16 kHz, so every path resamples).
 */
class VoiceSessionCoreTest {

    private static final Duration TIMEOUT = InMemoryTransport.TIMEOUT;

    @Test
    void anALawSessionCapturesAtEightKilohertzAndAppendsOneBytePerSample() {
        short[] clip = Signals.tone(440, 16_000, 0.5, 1.0);
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            MemoryBackend backend = new MemoryBackend(clip);
            VoiceSession voice = VoiceSession.builder().conversation(conversation)
                    .session(SessionConfig.builder().inputAudioFormat(RealtimeAudioFormat.G711_ALAW)
                            .outputAudioFormat(RealtimeAudioFormat.G711_ALAW).build())
                    .input(backend.openCapture(null)).output(backend.openPlayback(null)).build();
            voice.start().block(TIMEOUT);
            InMemoryTransport.Server server = service.connection(0);

            // The clip is one second: about 8000 bytes of appends, in 20 ms pieces.
            server.received().filter(e -> e.path("type").asText().equals("input_audio_buffer.append"))
                    .map(e -> (long) Base64.getDecoder().decode(e.path("audio").asText()).length)
                    .scan(0L, Long::sum).filter(total -> total >= 7_800).blockFirst(TIMEOUT);
            voice.close();
            List<byte[]> appends = appends(server);

            assertThat(voice.inputFormat()).isEqualTo(RealtimeAudioFormat.G711_ALAW);
            // 20 ms at 8 kHz each, but the last, when the clip ended.
            assertThat(appends.subList(0, appends.size() - 1)).allSatisfy(a -> assertThat(a).hasSize(160));
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            appends.forEach(wire::writeBytes);
            assertThat(wire.size()).isBetween(8_000 - 160, 8_000 + 160);
            // Decoded, it is the clip's tone, resampled to 8 kHz.
            short[] decoded = G711.decodeALaw(wire.toByteArray());
            ToneFit fit = Signals.fit(java.util.Arrays.copyOfRange(decoded, 800, 7200), 440, 8_000, 0);
            assertThat(fit.snrDb()).isGreaterThan(30);
        }
    }

    @Test
    void bargeInTruncatesAtWhatThePlaybackEndSaysItPlayed() {
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            MemoryBackend backend = new MemoryBackend(new short[0]);
            MemoryBackend.Recorder speaker = backend.openPlayback(null);
            VoiceSession voice = VoiceSession.builder().conversation(conversation).output(speaker).build();
            List<VoiceSession.Interruption> cuts = new java.util.concurrent.CopyOnWriteArrayList<>();
            voice.interruptions().subscribe(cuts::add);
            voice.start().block(TIMEOUT);
            InMemoryTransport.Server server = service.connection(0);

            // Two seconds of answer at the wire's 24 kHz, in one delta.
            short[] answer = Signals.tone(300, RealtimeAudioFormat.PCM_RATE_HZ, 0.4, 2.0);
            server.push(InMemoryTransport.responseCreated("resp_1"));
            server.push(delta("resp_1", "item_1", Pcm.toBytes(answer)));
            Flux.interval(Duration.ofMillis(5)).filter(t -> speaker.recording().length >= 8_000).blockFirst(TIMEOUT);
            server.push("{\"type\":\"input_audio_buffer.speech_started\",\"event_id\":\"e_s\",\"audio_start_ms\":1000,"
                    + "\"item_id\":\"item_user\"}");
            JsonNode truncate = server.awaitReceived("conversation.item.truncate");
            Flux.interval(Duration.ofMillis(5)).filter(t -> !cuts.isEmpty()).blockFirst(TIMEOUT);
            voice.close();
            // The device's 16 kHz recording: silence, the answer until the cut (and a 10 ms fade), silence.
            short[] recording = speaker.recording();
            int first = 0;
            while (Math.abs(recording[first]) < 50) {
                first++;
            }
            int last = recording.length - 1;
            while (Math.abs(recording[last]) < 50) {
                last--;
            }
            long heardMillis = (last - first) / 16;

            assertThat(truncate.path("item_id").asText()).isEqualTo("item_1");
            long audioEnd = truncate.path("audio_end_ms").asLong();
            // What the speaker played, give or take the 10 ms fade it plays after the cut and the resampler's delay.
            assertThat(audioEnd).isBetween(heardMillis - 20, heardMillis + 5);
            assertThat(audioEnd).isLessThan(2_000);
            assertThat(cuts).singleElement().isEqualTo(new VoiceSession.Interruption("item_1", 2_000, audioEnd, false));
        }
    }

    @Test
    void malformedAudioDeltasAreSkippedAndCountedAndTheStreamsEndWithTheSession() {
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            MemoryBackend backend = new MemoryBackend(new short[0]);
            VoiceSession voice = VoiceSession.builder().conversation(conversation).output(backend.openPlayback(null)).build();
            voice.start().block(TIMEOUT);
            InMemoryTransport.Server server = service.connection(0);
            reactor.test.StepVerifier.create(voice.transcripts())
                    .then(() -> {
                        server.push(InMemoryTransport.responseCreated("resp_1"));
                        server.push(delta("resp_1", "item_1", new byte[3]));   // not a whole PCM16 sample
                        server.push(delta("resp_1", null, new byte[480]));     // no item_id
                        server.push("{\"type\":\"response.output_audio_transcript.delta\",\"event_id\":\"e_t\",\"response_id\":\"resp_1\","
                                + "\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"still here\"}");
                    })
                    .assertNext(line -> assertThat(line.text()).isEqualTo("still here"))
                    .then(() -> server.close(1011, "server restarting"))
                    .expectComplete()
                    .verify(TIMEOUT);
            reactor.test.StepVerifier.create(voice.latency().then()).expectComplete().verify(TIMEOUT);
            reactor.test.StepVerifier.create(voice.interruptions()).expectComplete().verify(TIMEOUT);
            assertThat(voice.skippedEvents()).isEqualTo(2);
            assertThat(service.loopFailures()).isEmpty();
        }
    }

    private static List<byte[]> appends(InMemoryTransport.Server server) {
        long count = server.receivedTypes().stream().filter("input_audio_buffer.append"::equals).count();
        return server.received().filter(e -> e.path("type").asText().equals("input_audio_buffer.append")).take(count)
                .map(e -> Base64.getDecoder().decode(e.path("audio").asText())).collectList().block(TIMEOUT);
    }

    private static String delta(String responseId, String itemId, byte[] audio) {
        return JsonNodeFactory.instance.objectNode().put("type", "response.output_audio.delta").put("event_id", "e_d")
                .put("response_id", responseId).put("item_id", itemId).put("output_index", 0).put("content_index", 0)
                .put("delta", Base64.getEncoder().encodeToString(audio)).toString();
    }
}
