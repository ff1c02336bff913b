package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ContentPart;
import io.rtvoice.event.Item;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.Tool;
import io.rtvoice.event.TurnDetection;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The emulator's protocol behaviour, over a real socket, checked with the JDK's WebSocket client. */
class EmulatorProtocolTest {

    static final String KEY = "sk-test-emulator-key";
    static final Map<String, String> BEARER = Map.of("Authorization", "Bearer " + KEY);

    @RegisterExtension
    static final EmulatorExtension fast = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0));
    @RegisterExtension
    final EmulatorExtension slow = EmulatorExtension.anyKey().configure(b -> b.pace(1));

    static WsClient connect(EmulatorExtension emulator, Dialect dialect) throws Exception {
        Map<String, String> headers = dialect == Dialect.GA ? BEARER : Map.of("Authorization", "Bearer " + KEY, "OpenAI-Beta", "realtime=v1");
        WsClient client = WsClient.connect(emulator.uri("/v1/realtime?model=gpt-realtime"), dialect, headers);
        client.await(ServerEvent.SessionCreated.class);
        if (dialect == Dialect.PREVIEW) {
            client.await(ServerEvent.ConversationCreated.class);
        }
        return client;
    }

    // ---------------------------------------------------------------- endpoints, dialects, auth

    @Test
    void gaEndpointSpeaksGa() throws Exception {
        try (WsClient c = WsClient.connect(fast.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA, BEARER)) {
            WsClient.Received first = c.nextRaw(WsClient.TIMEOUT);
            assertThat(first.text()).contains("\"type\":\"session.created\"").contains("\"output_modalities\"")
                    .contains("\"audio\":{\"input\"").doesNotContain("input_audio_format");
        }
    }

    @Test
    void betaHeaderSelectsPreview() throws Exception {
        try (WsClient c = WsClient.connect(fast.uri("/v1/realtime?model=gpt-4o-realtime-preview"), Dialect.PREVIEW,
                Map.of("Authorization", "Bearer " + KEY, "OpenAI-Beta", "realtime=v1"))) {
            assertThat(c.nextRaw(WsClient.TIMEOUT).text()).contains("\"modalities\"").contains("\"input_audio_format\":\"pcm16\"")
                    .doesNotContain("output_modalities");
        }
    }

    @Test
    void browserSubprotocolsCarryKeyAndDialectAndRealtimeIsEchoed() throws Exception {
        try (WsClient c = WsClient.connect(fast.uri("/v1/realtime?model=gpt-4o-realtime-preview"), Dialect.PREVIEW, Map.of(),
                "realtime", "openai-insecure-api-key." + KEY, "openai-beta.realtime-v1")) {
            assertThat(c.subprotocol).isEqualTo("realtime");
            assertThat(c.nextRaw(WsClient.TIMEOUT).text()).contains("\"modalities\"");
        }
    }

    @Test
    void azureGaEndpointWithApiKeyHeader() throws Exception {
        try (WsClient c = WsClient.connect(fast.uri("/openai/v1/realtime?model=my-deployment"), Dialect.GA, Map.of("api-key", KEY))) {
            ServerEvent.SessionCreated created = c.await(ServerEvent.SessionCreated.class);
            assertThat(created.session().type()).isEqualTo("realtime");
            assertThat(created.session().model()).isEqualTo("my-deployment");
        }
    }

    @Test
    void azurePreviewEndpointWithApiKeyQuery() throws Exception {
        try (WsClient c = WsClient.connect(fast.uri("/openai/realtime?api-version=2024-10-01-preview&deployment=dep&api-key=" + KEY),
                Dialect.PREVIEW, Map.of())) {
            assertThat(c.nextRaw(WsClient.TIMEOUT).text()).contains("\"input_audio_format\"");
        }
    }

    @Test
    void refusalsHappenBeforeTheUpgrade() {
        assertThat(WsClient.refusedStatus(fast.uri("/v1/realtime?model=m"), Map.of())).isEqualTo(401);
        assertThat(WsClient.refusedStatus(fast.uri("/v1/realtime?model=m"), Map.of("Authorization", "Bearer wrong"))).isEqualTo(401);
        assertThat(WsClient.refusedStatus(fast.uri("/openai/v1/realtime?model=d&api-version=2025-04-01-preview"), Map.of("api-key", KEY)))
                .isEqualTo(401);
        assertThat(WsClient.refusedStatus(fast.uri("/v2/elsewhere"), BEARER)).isEqualTo(404);
        assertThat(WsClient.refusedStatus(fast.uri("/v1/realtime"), BEARER)).isEqualTo(400);
        assertThat(WsClient.refusedStatus(fast.uri("/v1/realtime?model=m&rtvoice_fault=explode"), BEARER)).isEqualTo(400);
    }

    @Test
    void anyNonEmptyKeyIsAcceptedWithoutAConfiguredKey() throws Exception {
        try (RealtimeEmulator open = RealtimeEmulator.builder().pace(0).start()) {
            assertThat(WsClient.refusedStatus(open.uri("/v1/realtime?model=m"), Map.of("api-key", "anything"))).isEqualTo(101);
            assertThat(WsClient.refusedStatus(open.uri("/v1/realtime?model=m"), Map.of())).isEqualTo(401);
        }
    }

    @Test
    void aBrowserPageOfAnotherOriginIsRefused403AndLoopbackPagesAndProgramsAreNot() {
        String ga = "/v1/realtime?model=m";
        assertThat(WsClient.refusedStatus(fast.uri(ga), Map.of("Authorization", "Bearer " + KEY, "Origin", "https://evil.example")))
                .isEqualTo(403);
        assertThat(WsClient.refusedStatus(fast.uri(ga), Map.of("Authorization", "Bearer " + KEY, "Origin", "http://localhost.evil.example")))
                .isEqualTo(403);
        assertThat(WsClient.refusedStatus(fast.uri(ga), Map.of("Authorization", "Bearer " + KEY, "Origin", "null"))).isEqualTo(403);
        for (String loopback : List.of("http://localhost:5173", "http://127.0.0.1", "http://[::1]:8080", "https://localhost")) {
            assertThat(WsClient.refusedStatus(fast.uri(ga), Map.of("Authorization", "Bearer " + KEY, "Origin", loopback)))
                    .as(loopback).isEqualTo(101);
        }
        assertThat(WsClient.refusedStatus(fast.uri(ga), BEARER)).as("no Origin: a program").isEqualTo(101);
    }

    @Test
    void allowedOriginsReplaceTheLoopbackDefault() {
        try (RealtimeEmulator open = RealtimeEmulator.builder().pace(0).allowedOrigins("https://app.example").start()) {
            String ga = "/v1/realtime?model=m";
            assertThat(WsClient.refusedStatus(open.uri(ga), Map.of("api-key", "any", "Origin", "https://APP.example"))).isEqualTo(101);
            assertThat(WsClient.refusedStatus(open.uri(ga), Map.of("api-key", "any", "Origin", "http://localhost"))).isEqualTo(403);
        }
        try (RealtimeEmulator open = RealtimeEmulator.builder().pace(0).allowedOrigins("*").start()) {
            assertThat(WsClient.refusedStatus(open.uri("/v1/realtime?model=m"), Map.of("api-key", "any", "Origin", "https://evil.example")))
                    .isEqualTo(101);
        }
    }

    @Test
    void aKeyThatDiffersOnlyInItsLastByteOrLengthIsRefused() {
        String ga = "/v1/realtime?model=m";
        String lastByte = KEY.substring(0, KEY.length() - 1) + "X";
        assertThat(WsClient.refusedStatus(fast.uri(ga), Map.of("Authorization", "Bearer " + lastByte))).isEqualTo(401);
        assertThat(WsClient.refusedStatus(fast.uri(ga), Map.of("Authorization", "Bearer " + KEY + "X"))).isEqualTo(401);
        assertThat(WsClient.refusedStatus(fast.uri(ga), Map.of("Authorization", "Bearer " + KEY.substring(1)))).isEqualTo(401);
    }

    // ---------------------------------------------------------------- responses

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void textInAudioOutFollowsTheServiceOrder(Dialect dialect) throws Exception {
        try (WsClient c = connect(fast, dialect)) {
            c.send(new ClientEvent.ConversationItemCreate("evt_1", null, Item.userText("Hello there")));
            c.send(new ClientEvent.ResponseCreate("evt_2", ResponseParams.builder().instructions("Please assist the user.").build()));
            c.await(ServerEvent.ResponseDone.class);

            List<String> types = c.types().subList(dialect == Dialect.GA ? 1 : 2, c.types().size()).stream()
                    .filter(t -> !t.equals("response.output_audio.delta") && !t.equals("response.output_audio_transcript.delta"))
                    .toList();
            List<String> expected = dialect == Dialect.GA
                    ? List.of("conversation.item.added", "conversation.item.done", "response.created", "rate_limits.updated",
                            "response.output_item.added", "conversation.item.added", "response.content_part.added",
                            "response.output_audio.done", "response.output_audio_transcript.done", "response.content_part.done",
                            "conversation.item.done", "response.output_item.done", "response.done")
                    : List.of("conversation.item.created", "response.created", "rate_limits.updated", "response.output_item.added",
                            "conversation.item.created", "response.content_part.added", "response.output_audio.done",
                            "response.output_audio_transcript.done", "response.content_part.done", "response.output_item.done",
                            "response.done");
            assertThat(types).containsExactlyElementsOf(expected);

            StringBuilder transcript = new StringBuilder();
            ByteArrayOutputStream audio = new ByteArrayOutputStream();
            for (ServerEvent e : c.events()) {
                if (e instanceof ServerEvent.ResponseOutputAudioTranscriptDelta d) {
                    transcript.append(d.delta());
                } else if (e instanceof ServerEvent.ResponseOutputAudioDelta d) {
                    audio.writeBytes(d.delta());
                }
            }
            assertThat(transcript.toString()).isEqualTo("You said: Hello there.");
            assertThat(SyntheticVoice.hear(audio.toByteArray(), 24_000))
                    .containsExactlyElementsOf(SyntheticVoice.expectedFrequencies("You said: Hello there."));
            ServerEvent.ResponseDone done = (ServerEvent.ResponseDone) c.events().get(c.events().size() - 1);
            assertThat(done.response().status()).isEqualTo("completed");
            assertThat(done.response().usage().totalTokens()).isPositive();
            assertThat(done.response().output()).singleElement()
                    .satisfies(item -> assertThat(item.content().get(0).transcript()).isEqualTo("You said: Hello there."));
        }
    }

    @Test
    void cancelEndsTheResponseWithItsDoneEventsAndClientCancelled() throws Exception {
        try (WsClient c = connect(slow, Dialect.GA)) {
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("Tell me a long story please")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            c.await(ServerEvent.ResponseOutputAudioDelta.class);
            c.send(new ClientEvent.ResponseCancel("evt_cancel", null));

            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            assertThat(done.response().status()).isEqualTo("cancelled");
            assertThat(done.response().statusDetails().reason()).isEqualTo("client_cancelled");
            assertThat(c.types()).contains("response.output_audio.done", "response.content_part.done", "response.output_item.done");
            assertThat(done.response().output().get(0).status()).isEqualTo("incomplete");
        }
    }

    @Test
    void oneActiveResponsePerConversationButOutOfBandMayRun() throws Exception {
        try (WsClient c = connect(slow, Dialect.GA)) {
            c.send(new ClientEvent.ResponseCreate("evt_first", null));
            ServerEvent.ResponseCreated first = c.await(ServerEvent.ResponseCreated.class);
            c.send(new ClientEvent.ResponseCreate("evt_second", null));
            ServerEvent.Error error = c.await(ServerEvent.Error.class);
            assertThat(error.error().code()).isEqualTo("conversation_already_has_active_response");
            assertThat(error.error().eventId()).isEqualTo("evt_second");
            assertThat(error.error().message()).contains(first.response().id());

            c.send(new ClientEvent.ResponseCreate("evt_oob", ResponseParams.builder().conversation("none").outputModalities("text").build()));
            ServerEvent.ResponseCreated oob = c.await(ServerEvent.ResponseCreated.class);
            assertThat(oob.response().conversationId()).isNull();
            c.send(new ClientEvent.ResponseCancel(null, null));
            c.awaitMatching(e -> e instanceof ServerEvent.ResponseDone d && d.response().id().equals(first.response().id()));
        }
    }

    @Test
    void cancelWithoutActiveResponseIsAnError() throws Exception {
        try (WsClient c = connect(fast, Dialect.GA)) {
            c.send(new ClientEvent.ResponseCancel("evt_9", null));
            ServerEvent.Error error = c.await(ServerEvent.Error.class);
            assertThat(error.error().code()).isEqualTo("response_cancel_not_active");
            assertThat(error.error().eventId()).isEqualTo("evt_9");
        }
    }

    @Test
    void truncateFollowsTheServiceRules() throws Exception {
        try (WsClient c = connect(fast, Dialect.GA)) {
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("Hi")));
            String userItem = c.await(ServerEvent.ConversationItemAdded.class).item().id();
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            String assistant = done.response().output().get(0).id();
            int audioMs = SyntheticVoice.durationMs("You said: Hi.");

            c.send(new ClientEvent.ConversationItemTruncate("evt_user", userItem, 0, 10));
            assertThat(c.await(ServerEvent.Error.class).error().message()).isEqualTo("Only model output audio messages can be truncated");
            c.send(new ClientEvent.ConversationItemTruncate("evt_long", assistant, 0, audioMs + 500));
            assertThat(c.await(ServerEvent.Error.class).error().message())
                    .isEqualTo("Audio content of " + audioMs + "ms is already shorter than " + (audioMs + 500) + "ms");
            c.send(new ClientEvent.ConversationItemTruncate("evt_neg", assistant, 0, -11));
            assertThat(c.await(ServerEvent.Error.class).error().code()).isEqualTo("integer_below_min_value");
            c.send(new ClientEvent.ConversationItemTruncate("evt_ok", assistant, 0, 200));
            assertThat(c.await(ServerEvent.ConversationItemTruncated.class).audioEndMs()).isEqualTo(200);
            c.send(new ClientEvent.ConversationItemRetrieve(null, assistant));
            ContentPart part = c.await(ServerEvent.ConversationItemRetrieved.class).item().content().get(0);
            assertThat(java.util.Base64.getDecoder().decode(part.audio())).hasSize(200 * 48);
            c.send(new ClientEvent.ConversationItemTruncate("evt_missing", "item_nope", 0, 1));
            assertThat(c.await(ServerEvent.Error.class).error().code()).isEqualTo("item_not_found");
        }
    }

    @Test
    void sessionUpdateValidationUsesTheServiceCodes() throws Exception {
        try (WsClient c = connect(fast, Dialect.GA)) {
            c.send(new ClientEvent.SessionUpdate("evt_notype", SessionConfig.builder().type(null).instructions("x").build()));
            ServerEvent.Error missing = c.await(ServerEvent.Error.class);
            assertThat(missing.error().code()).isEqualTo("missing_required_parameter");
            assertThat(missing.error().param()).isEqualTo("session.type");
            assertThat(missing.error().eventId()).isEqualTo("evt_notype");

            c.sendText("{\"type\":\"session.update\",\"event_id\":\"evt_beta\",\"session\":{\"type\":\"realtime\",\"input_audio_format\":\"pcm16\"}}");
            ServerEvent.Error unknown = c.await(ServerEvent.Error.class);
            assertThat(unknown.error().code()).isEqualTo("unknown_parameter");
            assertThat(unknown.error().message()).isEqualTo("Unknown parameter: 'session.input_audio_format'.");

            c.sendText("{\"event_id\":\"evt_x\"}");
            ServerEvent.Error invalid = c.await(ServerEvent.Error.class);
            assertThat(invalid.error().code()).isEqualTo("invalid_event");
            assertThat(invalid.error().message()).isEqualTo("The 'type' field is missing.");

            c.send(new ClientEvent.SessionUpdate("evt_ok", SessionConfig.builder().instructions("Be brief.").turnDetection(TurnDetection.DISABLED).build()));
            SessionConfig updated = c.await(ServerEvent.SessionUpdated.class).session();
            assertThat(updated.instructions()).isEqualTo("Be brief.");
            assertThat(updated.turnDetection()).isSameAs(TurnDetection.DISABLED);
            assertThat(updated.voice().name()).isEqualTo("alloy");
        }
    }

    @Test
    void voiceCannotChangeOnceAssistantAudioExists() throws Exception {
        try (WsClient c = connect(fast, Dialect.PREVIEW)) {
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().type(null).voice("echo").build()));
            assertThat(c.await(ServerEvent.SessionUpdated.class).session().voice().name()).isEqualTo("echo");
            c.send(new ClientEvent.ResponseCreate(null, null));
            c.await(ServerEvent.ResponseDone.class);
            c.send(new ClientEvent.SessionUpdate("evt_voice", SessionConfig.builder().type(null).voice("shimmer").build()));
            assertThat(c.await(ServerEvent.Error.class).error().code()).isEqualTo("cannot_update_voice");
        }
    }

    @Test
    void committingLessThan100msIsAnError() throws Exception {
        try (WsClient c = connect(fast, Dialect.GA)) {
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().turnDetection(TurnDetection.DISABLED).build()));
            c.await(ServerEvent.SessionUpdated.class);
            c.send(new ClientEvent.InputAudioBufferAppend(null, new byte[48 * 50]));
            c.send(new ClientEvent.InputAudioBufferCommit("evt_commit"));
            ServerEvent.Error error = c.await(ServerEvent.Error.class);
            assertThat(error.error().code()).isEqualTo("input_audio_buffer_commit_empty");
            assertThat(error.error().message()).contains("Expected at least 100ms of audio, but buffer only has 50.00ms of audio.");

            c.send(new ClientEvent.InputAudioBufferAppend(null, new byte[48 * 100]));
            c.send(new ClientEvent.InputAudioBufferCommit(null));
            ServerEvent.InputAudioBufferCommitted committed = c.await(ServerEvent.InputAudioBufferCommitted.class);
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            assertThat(done.response().output().get(0).content().get(0).transcript()).isEqualTo("I heard 0.2 seconds of audio.");
            assertThat(committed.itemId()).isNotBlank();
        }
    }

    @Test
    void functionCallRoundTrip() throws Exception {
        try (WsClient c = connect(fast, Dialect.GA)) {
            var params = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("type", "object");
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().tools(List.of(Tool.function("get_weather", "Weather now", params))).build()));
            c.await(ServerEvent.SessionUpdated.class);
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("What does get_weather say for Paris?")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseFunctionCallArgumentsDone call = c.await(ServerEvent.ResponseFunctionCallArgumentsDone.class);
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.arguments()).isEqualTo("{\"input\":\"What does get_weather say for Paris?\"}");
            c.await(ServerEvent.ResponseDone.class);

            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.functionCallOutput(call.callId(), "sunny, 21 C")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseOutputAudioTranscriptDone answer = c.await(ServerEvent.ResponseOutputAudioTranscriptDone.class);
            assertThat(answer.transcript()).isEqualTo("The tool answered: sunny, 21 C.");
        }
    }

    @Test
    void g711OutputWhenConfigured() throws Exception {
        try (WsClient c = connect(fast, Dialect.PREVIEW)) {
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().type(null)
                    .outputAudioFormat(io.rtvoice.event.RealtimeAudioFormat.G711_ULAW).build()));
            c.await(ServerEvent.SessionUpdated.class);
            c.send(new ClientEvent.ResponseCreate(null, null));
            c.await(ServerEvent.ResponseDone.class);
            java.io.ByteArrayOutputStream codes = new java.io.ByteArrayOutputStream();
            c.events().stream().filter(e -> e instanceof ServerEvent.ResponseOutputAudioDelta)
                    .forEach(e -> codes.writeBytes(((ServerEvent.ResponseOutputAudioDelta) e).delta()));
            String reply = "Hello, how can I help you today?";
            assertThat(codes.size()).isEqualTo(SyntheticVoice.durationMs(reply) * 8);
            // Decoded, the 8 kHz voice still says the reply: one tone per word, in order, at the word's pitch.
            short[] decoded = io.rtvoice.audio.G711.decodeMuLaw(codes.toByteArray());
            assertThat(SyntheticVoice.hear(decoded, 8_000)).hasSameSizeAs(SyntheticVoice.expectedFrequencies(reply))
                    .zipSatisfy(SyntheticVoice.expectedFrequencies(reply),
                            (heard, expected) -> assertThat(heard).isCloseTo(expected, org.assertj.core.api.Assertions.within(8.0)));
        }
    }

    @Test
    void pingIsAnsweredWithItsPayload() throws Exception {
        try (WsClient c = WsClient.connect(fast.uri("/v1/realtime?model=m"), Dialect.GA, BEARER)) {
            c.nextRaw(WsClient.TIMEOUT); // session.created
            for (int i = 0; i < 20; i++) {
                c.sendPing();
                assertThat(c.nextRaw(WsClient.TIMEOUT).text()).isEqualTo("PONG:[1]");
            }
        }
    }
}
