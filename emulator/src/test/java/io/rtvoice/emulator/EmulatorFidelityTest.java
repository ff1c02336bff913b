package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TokenLimit;
import io.rtvoice.event.Tool;
import io.rtvoice.event.ToolChoice;
import io.rtvoice.event.TurnDetection;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the emulator sends matches what the service sends, over a real socket: the connect sequence of the
 * captured GA trace, one conversation id everywhere, tool calls whose arguments fit the tool's schema,
 * {@code tool_choice}, {@code metadata}, {@code max_output_tokens}, response-level settings, failed responses
 * and transcriptions.
 */
class EmulatorFidelityTest {

    static final String KEY = "sk-fidelity-test";
    static final Map<String, String> GA = Map.of("Authorization", "Bearer " + KEY);
    static final Map<String, String> PREVIEW = Map.of("Authorization", "Bearer " + KEY, "OpenAI-Beta", "realtime=v1");

    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0));

    /** What the responder was shown, per response: instructions and tool names. */
    static final Queue<String> shown = new ConcurrentLinkedQueue<>();

    @RegisterExtension
    static final EmulatorExtension recording = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0).responder(turn -> {
        shown.add(turn.session().instructions() + " | " + (turn.session().tools() == null ? List.of()
                : turn.session().tools().stream().map(Tool::name).toList()) + " | " + turn.conversation().size());
        return Responder.standard().reply(turn);
    }));

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    static final JsonNode WEATHER = jsonUnchecked("{'type':'object','properties':{'city':{'type':'string'},"
            + "'unit':{'type':'string','enum':['celsius','fahrenheit']}},'required':['city','unit'],'additionalProperties':false}");

    static JsonNode jsonUnchecked(String text) {
        try {
            return json(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static WsClient connect(Dialect dialect) {
        return WsClient.connect(emulator.uri("/v1/realtime?model=gpt-realtime"), dialect, dialect == Dialect.GA ? GA : PREVIEW);
    }

    @Test
    void gaConnectIsSessionCreatedThenTheUpdatesAnswerWithNoConversationCreated() throws Exception {
        try (WsClient c = connect(Dialect.GA)) {
            assertThat(c.next()).isInstanceOf(ServerEvent.SessionCreated.class);
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().type("realtime").instructions("Keep answers short.").build()));

            assertThat(c.next()).isInstanceOfSatisfying(ServerEvent.SessionUpdated.class,
                    u -> assertThat(u.session().instructions()).isEqualTo("Keep answers short."));
            assertThat(c.types()).containsExactly("session.created", "session.updated");
        }
    }

    @Test
    void previewConnectIsSessionCreatedThenConversationCreatedAsTheBetaSpecSays() throws Exception {
        try (WsClient c = connect(Dialect.PREVIEW)) {
            assertThat(c.next()).isInstanceOf(ServerEvent.SessionCreated.class);
            assertThat(c.next()).isInstanceOf(ServerEvent.ConversationCreated.class);
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().instructions("Keep answers short.").build()));
            assertThat(c.next()).isInstanceOf(ServerEvent.SessionUpdated.class);
        }
    }

    @Test
    void theConversationIdIsTheSameInConversationCreatedAndEveryResponse() throws Exception {
        try (WsClient c = connect(Dialect.PREVIEW)) {
            String conversation = c.await(ServerEvent.ConversationCreated.class).conversation().id();
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("Hello")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseCreated created = c.await(ServerEvent.ResponseCreated.class);
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);

            assertThat(conversation).matches("conv_[A-Za-z0-9]+");
            assertThat(created.response().conversationId()).isEqualTo(conversation);
            assertThat(done.response().conversationId()).isEqualTo(conversation);
        }
        try (WsClient c = connect(Dialect.GA)) {
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            assertThat(done.response().conversationId()).matches("conv_[A-Za-z0-9]+");
            assertThat(c.events().get(0)).isInstanceOfSatisfying(ServerEvent.SessionCreated.class,
                    s -> assertThat(s.session().id()).matches("sess_[A-Za-z0-9]+"));
        }
    }

    // ---------------------------------------------------------------- tools

    static WsClient withWeatherTool(ToolChoice choice) throws Exception {
        WsClient c = connect(Dialect.GA);
        c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder()
                .tools(List.of(Tool.function("get_weather", "The weather now", WEATHER))).toolChoice(choice).build()));
        c.await(ServerEvent.SessionUpdated.class);
        return c;
    }

    @Test
    void aToolCallsArgumentsFitItsSchemaWithTheUsersWords() throws Exception {
        try (WsClient c = withWeatherTool(null)) {
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("What's the weather in Paris, in fahrenheit?")));
            c.send(new ClientEvent.ResponseCreate(null, null));

            ServerEvent.ResponseFunctionCallArgumentsDone call = c.await(ServerEvent.ResponseFunctionCallArgumentsDone.class);

            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(JSON.readTree(call.arguments())).isEqualTo(json("{'city':'Paris','unit':'fahrenheit'}"));
            assertThat(ToolArgumentsTest.violations(WEATHER, WEATHER, JSON.readTree(call.arguments()), "$")).isEmpty();
        }
    }

    @Test
    void toolChoiceNoneSpeaksAndRequiredCallsEvenUnasked() throws Exception {
        try (WsClient c = withWeatherTool(ToolChoice.NONE)) {
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("What's the weather in Paris?")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            assertThat(c.await(ServerEvent.ResponseDone.class).response().output().get(0).type()).isEqualTo("message");

            c.send(new ClientEvent.ResponseCreate(null, ResponseParams.builder().toolChoice(ToolChoice.REQUIRED).build()));
            assertThat(c.await(ServerEvent.ResponseDone.class).response().output().get(0).name()).isEqualTo("get_weather");
        }
        try (WsClient c = withWeatherTool(ToolChoice.REQUIRED)) {
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("Hello in Rome")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseFunctionCallArgumentsDone call = c.await(ServerEvent.ResponseFunctionCallArgumentsDone.class);
            assertThat(JSON.readTree(call.arguments()).get("city").asText()).isEqualTo("Rome");
        }
    }

    @Test
    void aNamedFunctionAndResponseLevelToolsOverrideTheSessions() throws Exception {
        JsonNode order = json("{'type':'object','properties':{'order_id':{'type':'integer'}},'required':['order_id']}");
        try (WsClient c = withWeatherTool(ToolChoice.AUTO)) {
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("weather for order 42")));
            c.send(new ClientEvent.ResponseCreate(null, ResponseParams.builder()
                    .tools(List.of(Tool.function("track_order", "Where an order is", order)))
                    .toolChoice(ToolChoice.function("track_order")).build()));

            ServerEvent.ResponseFunctionCallArgumentsDone call = c.await(ServerEvent.ResponseFunctionCallArgumentsDone.class);

            assertThat(call.name()).isEqualTo("track_order");
            assertThat(JSON.readTree(call.arguments())).isEqualTo(json("{'order_id':42}"));
        }
    }

    @Test
    void responseInstructionsToolsAndInputReachTheResponderForThatResponseOnly() throws Exception {
        try (WsClient c = WsClient.connect(recording.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA, GA)) {
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().instructions("Session rules.").tools(List.of()).build()));
            c.await(ServerEvent.SessionUpdated.class);
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("Hi")));
            c.send(new ClientEvent.ResponseCreate(null, ResponseParams.builder().instructions("Response rules.")
                    .tools(List.of(Tool.function("get_weather", "The weather now", WEATHER))).input(List.of()).build()));
            c.await(ServerEvent.ResponseDone.class);
            c.send(new ClientEvent.ResponseCreate(null, null));
            c.await(ServerEvent.ResponseDone.class);
        }
        assertThat(shown).containsExactly("Response rules. | [get_weather] | 0", "Session rules. | [] | 2");
    }

    // ---------------------------------------------------------------- metadata, limits, failures

    @Test
    void metadataIsEchoedInResponseCreatedAndDone() throws Exception {
        try (WsClient c = connect(Dialect.GA)) {
            c.send(new ClientEvent.ResponseCreate(null, ResponseParams.builder().metadata(Map.of("topic", "billing")).build()));

            assertThat(c.await(ServerEvent.ResponseCreated.class).response().metadata()).isEqualTo(Map.of("topic", "billing"));
            assertThat(c.await(ServerEvent.ResponseDone.class).response().metadata()).isEqualTo(Map.of("topic", "billing"));
        }
    }

    @Test
    void aResponseBeyondMaxOutputTokensEndsIncomplete() throws Exception {
        for (Dialect dialect : Dialect.values()) {
            try (WsClient c = connect(dialect)) {
                c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("one two three four five six seven eight")));
                c.send(new ClientEvent.ResponseCreate(null, ResponseParams.builder().maxOutputTokens(TokenLimit.of(12)).build()));

                ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);

                assertThat(done.response().status()).as(dialect.name()).isEqualTo("incomplete");
                assertThat(done.response().statusDetails().type()).isEqualTo("incomplete");
                assertThat(done.response().statusDetails().reason()).isEqualTo("max_output_tokens");
                assertThat(done.response().maxOutputTokens()).isEqualTo(TokenLimit.of(12));
                assertThat(done.response().usage().outputTokens()).isLessThanOrEqualTo(12);
                assertThat(done.response().output().get(0).status()).isEqualTo("incomplete");
                String said = done.response().output().get(0).content().get(0).transcript();
                assertThat("You said: one two three four five six seven eight.").startsWith(said).isNotEqualTo(said);
            }
        }
        try (WsClient c = connect(Dialect.GA)) { // the session's limit, in text
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().outputModalities("text").maxOutputTokens(TokenLimit.of(2)).build()));
            c.await(ServerEvent.SessionUpdated.class);
            c.send(new ClientEvent.ResponseCreate(null, null));
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            assertThat(done.response().status()).isEqualTo("incomplete");
            assertThat(done.response().output().get(0).content().get(0).text()).isEqualTo("Hello, how"); // 2 words count 2 tokens, 3 count 4
        }
    }

    @Test
    void theFailResponseFaultEndsEveryResponseFailed() throws Exception {
        try (WsClient c = WsClient.connect(emulator.uri("/v1/realtime?model=m&rtvoice_fault=fail_response"), Dialect.GA, GA)) {
            c.send(new ClientEvent.ResponseCreate(null, null));

            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);

            assertThat(done.response().status()).isEqualTo("failed");
            assertThat(done.response().statusDetails().type()).isEqualTo("failed");
            assertThat(done.response().statusDetails().error().type()).isEqualTo("server_error");
            assertThat(done.response().output()).isEmpty();
            c.send(new ClientEvent.ResponseCreate(null, null)); // the conversation is free again
            assertThat(c.await(ServerEvent.ResponseDone.class).response().status()).isEqualTo("failed");
        }
    }

    // ---------------------------------------------------------------- transcription

    static WsClient transcribing(String query, String model) {
        WsClient c = WsClient.connect(emulator.uri("/v1/realtime?model=m" + query), Dialect.GA, GA);
        c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().inputTranscription(InputTranscription.of(model))
                .turnDetection(TurnDetection.DISABLED).build()));
        return c;
    }

    @Test
    void theFailTranscriptionFaultFailsSpeechToo() throws Exception {
        try (WsClient c = transcribing("&rtvoice_fault=fail_transcription", "whisper-1")) {
            c.send(new ClientEvent.InputAudioBufferAppend(null, SyntheticVoice.speak("hello there")));
            c.send(new ClientEvent.InputAudioBufferCommit(null));

            assertThat(c.await(ServerEvent.ConversationItemInputAudioTranscriptionFailed.class).error().code())
                    .isEqualTo("audio_unintelligible");
        }
    }

    @Test
    void aDiarizingModelSendsASegmentBeforeTheCompletedTranscript() throws Exception {
        try (WsClient c = transcribing("", "gpt-4o-transcribe-diarize")) {
            byte[] speech = SyntheticVoice.speak("hello there");
            c.send(new ClientEvent.InputAudioBufferAppend(null, speech));
            c.send(new ClientEvent.InputAudioBufferCommit(null));

            ServerEvent.ConversationItemInputAudioTranscriptionSegment segment =
                    c.await(ServerEvent.ConversationItemInputAudioTranscriptionSegment.class);
            ServerEvent.ConversationItemInputAudioTranscriptionCompleted completed =
                    c.await(ServerEvent.ConversationItemInputAudioTranscriptionCompleted.class);

            assertThat(segment.text()).isEqualTo(completed.transcript());
            assertThat(segment.itemId()).isEqualTo(completed.itemId());
            assertThat(segment.speaker()).isNotBlank();
            assertThat(segment.end()).isEqualTo(speech.length / 48 / 1000.0);
        }
    }
}
