package io.rtvoice.transcription;

import static io.rtvoice.testing.InMemoryTransport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.event.NoiseReduction;
import io.rtvoice.event.TurnDetection;
import io.rtvoice.testing.InMemoryTransport;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** {@link TranscriptionSession} over the in-memory transport: configuration, audio in, items and transcripts out, the end. */
class TranscriptionSessionTest {

    final InMemoryTransport transport = InMemoryTransport.create()
            .onConnect(server -> server.push("{\"type\":\"session.created\",\"event_id\":\"event_c\",\"session\":{\"type\":\"transcription\","
                    + "\"object\":\"realtime.transcription_session\",\"id\":\"sess_t" + server.index() + "\"}}"))
            .answer("session.update", (server, update) -> server.push(InMemoryTransport.sessionUpdated(update)));

    @AfterEach
    void stop() {
        transport.close();
    }

    RealtimeClient client(Dialect dialect) {
        return transport.clientBuilder()
                .endpoint(Endpoint.custom(URI.create("ws://in-memory/v1/realtime?intent=transcription"), dialect)).build();
    }

    TranscriptionSession open() {
        return TranscriptionSession.connect(client(Dialect.GA)).block(TIMEOUT);
    }

    static String committed(String itemId, String previous) {
        return "{\"type\":\"input_audio_buffer.committed\",\"event_id\":\"event_ic\",\"previous_item_id\":"
                + (previous == null ? "null" : "\"" + previous + "\"") + ",\"item_id\":\"" + itemId + "\"}";
    }

    static String delta(String itemId, String delta) {
        return "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"event_d\",\"item_id\":\"" + itemId
                + "\",\"content_index\":0,\"delta\":\"" + delta + "\"}";
    }

    static String segment(String itemId, String text, String speaker, double start, double end) {
        return "{\"type\":\"conversation.item.input_audio_transcription.segment\",\"event_id\":\"event_s\",\"item_id\":\"" + itemId
                + "\",\"content_index\":0,\"text\":\"" + text + "\",\"id\":\"seg_1\",\"speaker\":\"" + speaker + "\",\"start\":" + start
                + ",\"end\":" + end + "}";
    }

    static String completed(String itemId, String transcript) {
        return "{\"type\":\"conversation.item.input_audio_transcription.completed\",\"event_id\":\"event_tc\",\"item_id\":\"" + itemId
                + "\",\"content_index\":0,\"transcript\":\"" + transcript + "\",\"usage\":{\"type\":\"duration\",\"seconds\":1.5}}";
    }

    static String failed(String itemId) {
        return "{\"type\":\"conversation.item.input_audio_transcription.failed\",\"event_id\":\"event_tf\",\"item_id\":\"" + itemId
                + "\",\"content_index\":0,\"error\":{\"type\":\"transcription_error\",\"code\":\"audio_unintelligible\","
                + "\"message\":\"The audio could not be transcribed.\"}}";
    }

    @Test
    void configureSendsASessionUpdateOfTypeTranscriptionAndCompletesWithTheSessionUpdated() {
        TranscriptionSession session = open();
        TranscriptionConfig config = TranscriptionConfig.builder("gpt-4o-transcribe").language("en").prompt("rtvoice, Netty")
                .manualCommit().noiseReduction(NoiseReduction.NEAR_FIELD).logprobs(true).build();

        StepVerifier.create(session.configure(config))
                .assertNext(s -> {
                    assertThat(s.type()).isEqualTo("transcription");
                    assertThat(s.audio().input().transcription().model()).isEqualTo("gpt-4o-transcribe");
                })
                .expectComplete()
                .verify(TIMEOUT);

        JsonNode sent = transport.connection(0).awaitReceived("session.update").path("session");
        assertThat(sent.path("type").asText()).isEqualTo("transcription");
        JsonNode input = sent.path("audio").path("input");
        assertThat(input.path("transcription").path("model").asText()).isEqualTo("gpt-4o-transcribe");
        assertThat(input.path("transcription").path("language").asText()).isEqualTo("en");
        assertThat(input.path("transcription").path("prompt").asText()).isEqualTo("rtvoice, Netty");
        assertThat(input.has("turn_detection")).isTrue();
        assertThat(input.path("turn_detection").isNull()).as("manual commit: turn detection off").isTrue();
        assertThat(input.path("noise_reduction").path("type").asText()).isEqualTo("near_field");
        assertThat(sent.path("include").get(0).asText()).isEqualTo("item.input_audio_transcription.logprobs");
        // Nothing of a conversation session: no model, no output, no instructions.
        assertThat(sent.has("model")).isFalse();
        assertThat(sent.has("instructions")).isFalse();
        assertThat(sent.path("audio").has("output")).isFalse();
    }

    @Test
    void configureFailsWithTheServersErrorAboutIt() {
        transport.answer("session.update", (server, update) ->
                server.push(InMemoryTransport.error("invalid_value", update.path("event_id").asText())));
        TranscriptionSession session = open();

        StepVerifier.create(session.configure(TranscriptionConfig.builder("no-such-model").build()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(TranscriptionException.class,
                        t -> assertThat(t.error().code()).isEqualTo("invalid_value")))
                .verify(TIMEOUT);
    }

    @Test
    void openClosesTheSessionWhenTheConfigurationIsRefused() {
        transport.answer("session.update", (server, update) ->
                server.push(InMemoryTransport.error("invalid_value", update.path("event_id").asText())));

        StepVerifier.create(TranscriptionSession.open(client(Dialect.GA), TranscriptionConfig.builder("x").build()))
                .expectError(TranscriptionException.class)
                .verify(TIMEOUT);
        assertThat(transport.connection(0).clientClose().block(TIMEOUT).code()).isEqualTo(1000);
    }

    @Test
    void previewSessionsAreConfiguredWithTranscriptionSessionUpdate() {
        transport.answer("transcription_session.update", (server, update) -> server.push("{\"type\":\"transcription_session.updated\","
                + "\"event_id\":\"event_tu\",\"session\":" + update.path("session") + "}"));
        TranscriptionSession session = TranscriptionSession.connect(client(Dialect.PREVIEW)).block(TIMEOUT);

        StepVerifier.create(session.configure(TranscriptionConfig.builder("whisper-1").language("de").build()))
                .assertNext(s -> assertThat(s.audio().input().transcription().language()).isEqualTo("de"))
                .expectComplete()
                .verify(TIMEOUT);
        JsonNode sent = transport.connection(0).awaitReceived("transcription_session.update").path("session");
        assertThat(sent.path("input_audio_transcription").path("model").asText()).isEqualTo("whisper-1");
        assertThat(sent.has("type")).as("the preview's flat transcription session has no type").isFalse();
    }

    @Test
    void appendCommitAndClearGoOnTheWireInOrder() {
        TranscriptionSession session = open();
        byte[] audio = new byte[4800];
        audio[0] = 7;

        session.append(audio);
        session.commit();
        session.clear();

        InMemoryTransport.Server server = transport.connection(0);
        server.awaitReceived("input_audio_buffer.clear");
        assertThat(server.receivedTypes()).containsExactly("input_audio_buffer.append", "input_audio_buffer.commit",
                "input_audio_buffer.clear");
        assertThat(Base64.getDecoder().decode(server.awaitReceived("input_audio_buffer.append").path("audio").asText())).isEqualTo(audio);
    }

    @Test
    void anItemStreamsItsDeltasAndSegmentsThenCompletesWithItsTranscript() {
        TranscriptionSession session = open();
        reactor.core.publisher.Mono<TranscriptionItem> first = session.items().next().cache();
        first.subscribe();
        InMemoryTransport.Server server = transport.connection(0);
        server.push(committed("item_1", null));
        server.push(delta("item_1", "Hello "));
        server.push(delta("item_1", "world"));
        server.push(segment("item_1", "Hello world", "spk_1", 0.0, 1.25));
        server.push(completed("item_1", "Hello world"));

        TranscriptionItem item = first.block(TIMEOUT);
        assertThat(item.id()).isEqualTo("item_1");
        assertThat(item.previousItemId()).isNull();
        // Every stream replays from the start: subscribing after the item completed misses nothing.
        assertThat(item.deltas().collectList().block(TIMEOUT)).containsExactly("Hello ", "world");
        assertThat(item.segments().collectList().block(TIMEOUT))
                .containsExactly(new TranscriptSegment("seg_1", "Hello world", "spk_1", 0.0, 1.25));
        Transcript transcript = item.transcript().block(TIMEOUT);
        assertThat(transcript.itemId()).isEqualTo("item_1");
        assertThat(transcript.text()).isEqualTo("Hello world");
        assertThat(transcript.usage().seconds()).isEqualTo(1.5);
        assertThat(transcript.logprobs()).isEmpty();
        assertThat(session.skippedEvents()).isZero();
    }

    @Test
    void transcriptsComeInTheOrderTheItemsWereCommittedWhateverOrderTheyComplete() {
        TranscriptionSession session = open();
        StepVerifier.create(session.transcripts().map(Transcript::text).take(3))
                .then(() -> {
                    InMemoryTransport.Server server = transport.connection(0);
                    server.push(committed("item_1", null));
                    server.push(committed("item_2", "item_1"));
                    server.push(completed("item_2", "second"));
                    server.push(committed("item_3", "item_2"));
                    server.push(completed("item_1", "first"));
                    server.push(completed("item_3", "third"));
                })
                .expectNext("first", "second", "third")
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aFailedTranscriptionFailsItsItemWithTheServersErrorAndHasNoLine() {
        TranscriptionSession session = open();
        List<TranscriptionItem> items = new java.util.concurrent.CopyOnWriteArrayList<>();
        session.items().subscribe(items::add);
        StepVerifier.create(session.transcripts().map(Transcript::text).take(1))
                .then(() -> {
                    InMemoryTransport.Server server = transport.connection(0);
                    server.push(committed("item_1", null));
                    server.push(failed("item_1"));
                    server.push(committed("item_2", "item_1"));
                    server.push(completed("item_2", "after the failure"));
                })
                .expectNext("after the failure")
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(items.get(0).transcript())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(TranscriptionException.class,
                        t -> assertThat(t.error().code()).isEqualTo("audio_unintelligible")))
                .verify(TIMEOUT);
    }

    @Test
    void eventsItCannotUseAreSkippedAndCountedAndWhatFollowsIsTracked() {
        TranscriptionSession session = open();
        StepVerifier.create(session.transcripts().map(Transcript::text).take(2))
                .then(() -> {
                    InMemoryTransport.Server server = transport.connection(0);
                    server.push("{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"e1\",\"delta\":\"x\"}");
                    server.push("{\"type\":\"input_audio_buffer.committed\",\"event_id\":\"e2\"}");
                    server.push(committed("item_1", null));
                    server.push(completed("item_1", "one"));
                    server.push(delta("item_1", "late")); // for an item already transcribed
                    server.push(completed("item_1", "again"));
                    server.push(committed("item_1", null)); // the same item committed twice
                    // A transcript whose commit was not heard is still a line.
                    server.push(completed("item_2", "two"));
                })
                .expectNext("one", "two")
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(session.skippedEvents()).isEqualTo(5);
    }

    @Test
    void aCompletedTranscriptWithNullsInItIsStillAnEmptyLine() {
        TranscriptionSession session = open();
        StepVerifier.create(session.transcripts().take(1))
                .then(() -> transport.connection(0).push("{\"type\":\"conversation.item.input_audio_transcription.completed\","
                        + "\"event_id\":\"e\",\"item_id\":\"item_1\",\"content_index\":0,\"transcript\":null,\"logprobs\":[null]}"))
                .assertNext(t -> {
                    assertThat(t.text()).isEmpty();
                    assertThat(t.logprobs()).isEmpty();
                    assertThat(t.usage()).isNull();
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void anItemPendingWhenTheConnectionIsReplacedFailsWithSessionReconnectedAndTheSessionGoesOn() {
        io.rtvoice.RealtimeSession realtime = client(Dialect.GA)
                .connect(io.rtvoice.ReconnectPolicy.withBackoff().delays(java.time.Duration.ZERO, java.time.Duration.ZERO)).block(TIMEOUT);
        TranscriptionSession session = TranscriptionSession.over(realtime);
        List<TranscriptionItem> items = new java.util.concurrent.CopyOnWriteArrayList<>();
        session.items().subscribe(items::add);
        transport.connection(0).push(committed("item_old", null));
        transport.connection(0).drop();

        StepVerifier.create(transport.connections().skip(1).next()).expectNextCount(1).expectComplete().verify(TIMEOUT);
        transport.settle();
        StepVerifier.create(session.transcripts().map(Transcript::text).take(1))
                .then(() -> {
                    transport.connection(1).push(committed("item_new", null));
                    transport.connection(1).push(completed("item_new", "on the new connection"));
                })
                .expectNext("on the new connection")
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(items.get(0).transcript())
                .expectErrorSatisfies(e -> assertThat(((TranscriptionException) e).error().code()).isEqualTo("session_reconnected"))
                .verify(TIMEOUT);
        session.close();
    }

    @Test
    void whenTheSessionEndsTheStreamsCompleteAndAPendingItemFails() {
        TranscriptionSession session = open();
        List<TranscriptionItem> items = new java.util.concurrent.CopyOnWriteArrayList<>();
        session.items().subscribe(items::add);
        StepVerifier.create(session.transcripts())
                .then(() -> {
                    InMemoryTransport.Server server = transport.connection(0);
                    server.push(committed("item_1", null));
                    server.push(delta("item_1", "half"));
                    server.close(1011, "server restarting");
                })
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(session.items()).expectComplete().verify(TIMEOUT);
        assertThat(items).hasSize(1);
        StepVerifier.create(items.get(0).deltas()).expectNext("half").expectError().verify(TIMEOUT);
        StepVerifier.create(items.get(0).transcript()).expectError().verify(TIMEOUT);
    }

    @Test
    void aServerVadConfigurationIsSentAsTheServiceReadsIt() {
        TranscriptionSession session = open();
        session.configure(TranscriptionConfig.builder("gpt-4o-mini-transcribe").turnDetection(TurnDetection.serverVad(0.6, 200, 400))
                .build()).block(TIMEOUT);

        JsonNode vad = transport.connection(0).awaitReceived("session.update").path("session").path("audio").path("input")
                .path("turn_detection");
        assertThat(vad.path("type").asText()).isEqualTo("server_vad");
        assertThat(vad.path("threshold").asDouble()).isEqualTo(0.6);
        assertThat(vad.path("prefix_padding_ms").asInt()).isEqualTo(200);
        assertThat(vad.path("silence_duration_ms").asInt()).isEqualTo(400);
        assertThat(vad.has("create_response")).as("a transcription session makes no responses").isFalse();
    }

    @Test
    void theConfigurationRequiresAModelAndRoundTripsThroughItsBuilder() {
        TranscriptionConfig config = TranscriptionConfig.builder("whisper-1").language("fr").prompt("p").manualCommit().build();
        assertThat(config.toBuilder().build()).isEqualTo(config);
        org.assertj.core.api.Assertions.assertThatNullPointerException().isThrownBy(() -> TranscriptionConfig.builder(null));
        assertThat(Credentials.apiKey("k")).isNotNull();
    }
}
