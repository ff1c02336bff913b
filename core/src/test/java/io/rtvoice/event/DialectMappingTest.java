package io.rtvoice.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtvoice.Dialect;
import java.util.List;
import org.junit.jupiter.api.Test;

class DialectMappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventCodec ga = EventCodec.of(Dialect.GA);
    private final EventCodec preview = EventCodec.of(Dialect.PREVIEW);

    private static SessionConfig typicalSession() {
        return SessionConfig.builder()
                .outputModalities("audio")
                .instructions("Please assist the user.")
                .voice("alloy")
                .speed(1.1)
                .inputAudioFormat(RealtimeAudioFormat.PCM16)
                .outputAudioFormat(RealtimeAudioFormat.G711_ULAW)
                .inputTranscription(InputTranscription.of("whisper-1"))
                .noiseReduction(NoiseReduction.NEAR_FIELD)
                .turnDetection(TurnDetection.serverVad(0.6, 300, 500).withResponses(true, false))
                .toolChoice(ToolChoice.AUTO)
                .maxOutputTokens(TokenLimit.INFINITE)
                .build();
    }

    private static JsonNode json(byte[] bytes) throws Exception {
        return JSON.readTree(bytes);
    }

    @Test
    void sessionUpdateEncodesToTheGaShape() throws Exception {
        JsonNode actual = json(ga.encode(new ClientEvent.SessionUpdate("evt_1", typicalSession())));

        assertThat(actual).isEqualTo(JSON.readTree("""
                {"type":"session.update","event_id":"evt_1","session":{
                  "type":"realtime","output_modalities":["audio"],"instructions":"Please assist the user.",
                  "audio":{
                    "input":{"format":{"type":"audio/pcm","rate":24000},"transcription":{"model":"whisper-1"},
                             "noise_reduction":{"type":"near_field"},
                             "turn_detection":{"type":"server_vad","threshold":0.6,"prefix_padding_ms":300,
                                               "silence_duration_ms":500,"create_response":true,"interrupt_response":false}},
                    "output":{"format":{"type":"audio/pcmu"},"voice":"alloy","speed":1.1}},
                  "tool_choice":"auto","max_output_tokens":"inf"}}
                """));
    }

    @Test
    void sameSessionUpdateEncodesToThePreviewShape() throws Exception {
        JsonNode actual = json(preview.encode(new ClientEvent.SessionUpdate("evt_1", typicalSession())));

        assertThat(actual).isEqualTo(JSON.readTree("""
                {"type":"session.update","event_id":"evt_1","session":{
                  "modalities":["text","audio"],"instructions":"Please assist the user.",
                  "input_audio_format":"pcm16","input_audio_transcription":{"model":"whisper-1"},
                  "input_audio_noise_reduction":{"type":"near_field"},
                  "turn_detection":{"type":"server_vad","threshold":0.6,"prefix_padding_ms":300,
                                    "silence_duration_ms":500,"create_response":true,"interrupt_response":false},
                  "output_audio_format":"g711_ulaw","voice":"alloy","speed":1.1,
                  "tool_choice":"auto","max_response_output_tokens":"inf"}}
                """));
    }

    @Test
    void previewSessionDecodesToTheSameRecordAsTheGaSession() throws Exception {
        SessionConfig session = typicalSession();
        byte[] previewWire = preview.encode(new ServerEvent.SessionUpdated("event_1", session));
        byte[] gaWire = ga.encode(new ServerEvent.SessionUpdated("event_1", session));

        // Preview has no session.type: everything else arrives identical.
        SessionConfig expected = session.toBuilder().type(null).build();
        assertThat(preview.decodeServerEvent(previewWire)).isEqualTo(new ServerEvent.SessionUpdated("event_1", expected));
        assertThat(ga.decodeServerEvent(gaWire)).isEqualTo(new ServerEvent.SessionUpdated("event_1", session));
    }

    @Test
    void disabledTurnDetectionIsWrittenAsNullAndReadBack() throws Exception {
        SessionConfig session = SessionConfig.builder().turnDetection(TurnDetection.DISABLED).inputTranscription(InputTranscription.DISABLED).build();

        JsonNode gaJson = json(ga.encode(new ClientEvent.SessionUpdate(null, session)));
        JsonNode previewJson = json(preview.encode(new ClientEvent.SessionUpdate(null, session)));

        assertThat(gaJson.at("/session/audio/input").has("turn_detection")).isTrue();
        assertThat(gaJson.at("/session/audio/input/turn_detection").isNull()).isTrue();
        assertThat(gaJson.at("/session/audio/input/transcription").isNull()).isTrue();
        assertThat(previewJson.get("session").get("turn_detection").isNull()).isTrue();
        ClientEvent.SessionUpdate back = (ClientEvent.SessionUpdate) ga.decodeClientEvent(ga.encode(new ClientEvent.SessionUpdate(null, session)));
        assertThat(back.session().turnDetection()).isSameAs(TurnDetection.DISABLED);
        assertThat(back.session().turnDetection().disabled()).isTrue();
    }

    @Test
    void absentTurnDetectionIsNotWritten() throws Exception {
        JsonNode gaJson = json(ga.encode(new ClientEvent.SessionUpdate(null, SessionConfig.builder().instructions("x").build())));
        assertThat(gaJson.get("session").has("audio")).isFalse();
    }

    @Test
    void previewAudioDeltaAndGaAudioDeltaDecodeToTheSameRecordAndPcm() throws Exception {
        String fields = "\"event_id\":\"event_9\",\"response_id\":\"resp_1\",\"item_id\":\"item_1\","
                + "\"output_index\":0,\"content_index\":0,\"delta\":\"AAECAwQFBgc=\"}";
        ServerEvent fromPreview = preview.decodeServerEvent("{\"type\":\"response.audio.delta\"," + fields);
        ServerEvent fromGa = ga.decodeServerEvent("{\"type\":\"response.output_audio.delta\"," + fields);

        assertThat(fromPreview).isEqualTo(fromGa);
        assertThat(((ServerEvent.ResponseOutputAudioDelta) fromGa).delta()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void renamedEventsUseEachDialectsWireName() throws Exception {
        var delta = new ServerEvent.ResponseOutputAudioTranscriptDelta("e", "r", "i", 0, 0, "Hel");
        var done = new ServerEvent.ResponseOutputTextDone("e", "r", "i", 0, 0, "Hello");

        assertThat(json(preview.encode(delta)).get("type").asText()).isEqualTo("response.audio_transcript.delta");
        assertThat(json(ga.encode(delta)).get("type").asText()).isEqualTo("response.output_audio_transcript.delta");
        assertThat(json(preview.encode(done)).get("type").asText()).isEqualTo("response.text.done");
        assertThat(preview.decodeServerEvent(preview.encode(done))).isEqualTo(done);
    }

    @Test
    void assistantContentUsesGaNamesInTheModelAndPreviewNamesOnThePreviewWire() throws Exception {
        String previewItem = """
                {"type":"conversation.item.created","event_id":"e","previous_item_id":null,
                 "item":{"id":"item_1","object":"realtime.item","type":"message","status":"completed","role":"assistant",
                         "content":[{"type":"audio","transcript":"Hi"},{"type":"text","text":"Hi"}]}}
                """;
        var created = (ServerEvent.ConversationItemCreated) preview.decodeServerEvent(previewItem);

        assertThat(created.item().content()).extracting(ContentPart::type).containsExactly("output_audio", "output_text");
        JsonNode back = json(preview.encode(created));
        assertThat(back.at("/item/content/0/type").asText()).isEqualTo("audio");
        assertThat(back.at("/item/content/1/type").asText()).isEqualTo("text");
    }

    @Test
    void contentPartEventsSayAudioOnTheWireInBothDialects() throws Exception {
        String wire = """
                {"type":"response.content_part.added","event_id":"e","response_id":"r","item_id":"i",
                 "output_index":0,"content_index":0,"part":{"type":"audio","transcript":""}}
                """;
        var added = (ServerEvent.ResponseContentPartAdded) ga.decodeServerEvent(wire);

        assertThat(added.part().type()).isEqualTo("output_audio");
        assertThat(json(ga.encode(added)).at("/part/type").asText()).isEqualTo("audio");
        assertThat(json(preview.encode(added)).at("/part/type").asText()).isEqualTo("audio");
    }

    @Test
    void responseCreateMapsModalitiesVoiceAndTokenLimit() throws Exception {
        ResponseParams params = ResponseParams.builder()
                .outputModalities("audio").instructions("Please assist the user.").voice("echo")
                .maxOutputTokens(TokenLimit.of(200)).conversation("none").build();

        JsonNode p = json(preview.encode(new ClientEvent.ResponseCreate(null, params)));
        JsonNode g = json(ga.encode(new ClientEvent.ResponseCreate(null, params)));

        assertThat(p.get("response")).isEqualTo(JSON.readTree("""
                {"modalities":["text","audio"],"instructions":"Please assist the user.","voice":"echo",
                 "max_response_output_tokens":200,"conversation":"none"}"""));
        assertThat(g.get("response")).isEqualTo(JSON.readTree("""
                {"output_modalities":["audio"],"instructions":"Please assist the user.","audio":{"output":{"voice":"echo"}},
                 "max_output_tokens":200,"conversation":"none"}"""));
    }

    @Test
    void temperatureIsAnErrorInGaNamingTheField() {
        SessionConfig session = SessionConfig.builder().temperature(0.8).build();

        assertThatThrownBy(() -> ga.encode(new ClientEvent.SessionUpdate(null, session)))
                .isInstanceOfSatisfying(EventEncodeException.class, e -> {
                    assertThat(e.field()).isEqualTo("session.temperature");
                    assertThat(e.dialect()).isEqualTo(Dialect.GA);
                });
        assertThatThrownBy(() -> ga.encode(new ClientEvent.ResponseCreate(null, ResponseParams.builder().temperature(0.7).build())))
                .isInstanceOfSatisfying(EventEncodeException.class, e -> assertThat(e.field()).isEqualTo("response.temperature"));
    }

    @Test
    void temperatureTravelsInPreview() throws Exception {
        JsonNode p = json(preview.encode(new ClientEvent.SessionUpdate(null, SessionConfig.builder().temperature(0.8).build())));
        assertThat(p.at("/session/temperature").asDouble()).isEqualTo(0.8);
    }

    @Test
    void gaOnlySettingsAreErrorsInPreviewNamingTheField() {
        assertThatThrownBy(() -> preview.encode(new ClientEvent.SessionUpdate(null, SessionConfig.builder().truncation(Truncation.DISABLED).build())))
                .isInstanceOfSatisfying(EventEncodeException.class, e -> assertThat(e.field()).isEqualTo("session.truncation"));
        assertThatThrownBy(() -> preview.encode(new ClientEvent.SessionUpdate(null,
                SessionConfig.builder().tools(List.of(Tool.mcp("deepwiki", "https://mcp.example/sse"))).build())))
                .isInstanceOfSatisfying(EventEncodeException.class, e -> assertThat(e.field()).isEqualTo("session.tools[0].type"));
        assertThatThrownBy(() -> preview.encode(new ClientEvent.SessionUpdate(null, SessionConfig.builder().voice(Voice.custom("voice_1")).build())))
                .isInstanceOfSatisfying(EventEncodeException.class, e -> assertThat(e.field()).isEqualTo("session.audio.output.voice"));
        assertThatThrownBy(() -> preview.encode(new ClientEvent.SessionUpdate(null,
                SessionConfig.builder().inputAudioFormat(new RealtimeAudioFormat("audio/pcm", 16_000)).build())))
                .isInstanceOfSatisfying(EventEncodeException.class, e -> assertThat(e.field()).isEqualTo("session.audio.input.format.rate"));
    }

    @Test
    void realPreviewSessionCreatedDecodesIntoTheGaShapedModel() throws Exception {
        // Shape of a real beta session.created (PROTOCOL.md §1.1).
        var created = (ServerEvent.SessionCreated) preview.decodeServerEvent("""
                {"type":"session.created","event_id":"event_1","session":{"id":"sess_1","object":"realtime.session",
                 "model":"gpt-4o-realtime-preview-2024-10-01","expires_at":1728000000,"modalities":["audio","text"],
                 "instructions":"Your knowledge cutoff is 2023-10.","voice":"alloy",
                 "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":200},
                 "input_audio_format":"pcm16","output_audio_format":"pcm16","input_audio_transcription":null,
                 "tool_choice":"auto","temperature":0.8,"max_response_output_tokens":"inf","tools":[]}}
                """);
        SessionConfig s = created.session();

        assertThat(s.outputModalities()).containsExactly("audio");
        assertThat(s.voice()).isEqualTo(Voice.named("alloy"));
        assertThat(s.audio().input().format()).isEqualTo(RealtimeAudioFormat.PCM16);
        assertThat(s.audio().output().format()).isEqualTo(RealtimeAudioFormat.PCM16);
        assertThat(s.audio().input().transcription()).isSameAs(InputTranscription.DISABLED);
        assertThat(s.turnDetection()).isEqualTo(new TurnDetection("server_vad", 0.5, 300, 200, null, null, null, null));
        assertThat(s.maxOutputTokens().infinite()).isTrue();
        assertThat(s.temperature()).isEqualTo(0.8);
        assertThat(s.expiresAt()).isEqualTo(1728000000L);
    }

    @Test
    void previewWritesANullPreviousItemIdWhereItIsRequired() throws Exception {
        Item item = Item.userText("hi").withId("item_1");
        JsonNode created = json(preview.encode(new ServerEvent.ConversationItemCreated("e", null, item)));
        JsonNode committed = json(preview.encode(new ServerEvent.InputAudioBufferCommitted("e", null, "item_1")));

        assertThat(created.has("previous_item_id")).isTrue();
        assertThat(created.get("previous_item_id").isNull()).isTrue();
        assertThat(committed.get("previous_item_id").isNull()).isTrue();
        assertThat(json(ga.encode(new ServerEvent.InputAudioBufferCommitted("e", null, "item_1"))).has("previous_item_id")).isFalse();
    }
}
