package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.emulator.testing.McpTestServer;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.Tool;
import io.rtvoice.event.ToolChoice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A scripted model over a real socket, in both dialects: each kind of rule, sequences, and the fall-throughs. */
class ScriptedResponderTest {

    static final Responder SCRIPT = ScriptedResponder.builder()
            .onUserText("Book A Table").whenInstructionsContain("triage").callTool("transfer_to_booking", "{\"reason\":\"{text}\"}")
            .then().whenInstructionsContain("booking agent").say("Booking here. For how many?")
            .onUserText("book a table").whenInstructionsContain("booking agent").say("I can book that. For how many?")
            .onUserTextMatching("table for (\\d+)").say("A table for {1}, done.")
            .onUserText("weather").callTool("get_weather", "{\"city\":\"Paris\"}")
            .onToolOutput("get_weather", "RAIN").say("Take an umbrella: {output}.")
            .onToolOutput("get_weather").say("The weather: {output}.")
            .onUserText("weather").say("I cannot look up the weather.")
            .onUserText("what can you do").whenToolOffered("get_weather").say("I can check the weather.")
            .onUserText("echo").callMcpTool("docs", "echo", "{\"text\":\"{text}\"}").then().say("It said: {output}.")
            .onUserTextMatching("audio of (\\d+) milliseconds").say("You spoke for {1} ms.")
            .onUserText("long answer").sayRepeated("This answer goes on and on.", 50)
            .otherwise(turn -> new Responder.Reply.Speech("Scripted fallback."))
            .build();

    private static final Tool WEATHER = Tool.function("get_weather", "Weather now",
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("type", "object"));
    private static final Tool TRANSFER = Tool.function("transfer_to_booking", "Hand the caller to the booking agent",
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("type", "object"));

    @RegisterExtension
    static final EmulatorExtension fast = EmulatorExtension.anyKey().configure(b -> b.pace(0).responder(SCRIPT));
    @RegisterExtension
    static final EmulatorExtension realTime = EmulatorExtension.anyKey().configure(b -> b.pace(1).responder(SCRIPT));

    private static void configure(WsClient c, Dialect dialect, SessionConfig.Builder session) throws Exception {
        c.send(new ClientEvent.SessionUpdate(null, session.type(dialect == Dialect.GA ? "realtime" : null).build()));
        c.await(ServerEvent.SessionUpdated.class);
    }

    /** Adds {@code item} (if any), asks for a response and returns the response's one output item. */
    private static Item answer(WsClient c, Item item) throws Exception {
        if (item != null) {
            c.send(new ClientEvent.ConversationItemCreate(null, null, item));
        }
        c.send(new ClientEvent.ResponseCreate(null, null));
        ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
        assertThat(done.response().status()).isEqualTo("completed");
        assertThat(done.response().output()).hasSize(1);
        return done.response().output().get(0);
    }

    private static String said(Item item) {
        assertThat(item.type()).as("the model spoke").isEqualTo("message");
        return item.content().get(0).transcript();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void userTextMatchesInAnyCaseWhenTheInstructionsContainTheWords(Dialect dialect) throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(fast, dialect)) {
            configure(c, dialect, SessionConfig.builder().instructions("You are the Booking Agent."));
            assertThat(said(answer(c, Item.userText("Could you BOOK A TABLE?")))).isEqualTo("I can book that. For how many?");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRegularExpressionsGroupsFillThePlaceholders(Dialect dialect) throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(fast, dialect)) {
            assertThat(said(answer(c, Item.userText("a table for 4 at eight")))).isEqualTo("A table for 4, done.");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aHandoffCallsTheToolThenTheNextAgentAnswersItsOutput(Dialect dialect) throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(fast, dialect)) {
            configure(c, dialect, SessionConfig.builder().instructions("You are the triage agent.").tools(List.of(TRANSFER, WEATHER)));
            Item call = answer(c, Item.userText("Book a table, please"));
            assertThat(call.type()).isEqualTo("function_call");
            assertThat(call.name()).isEqualTo("transfer_to_booking");
            assertThat(call.arguments()).isEqualTo("{\"reason\":\"Book a table, please\"}");

            // The agents layer switches agent: new instructions, then the transfer's output.
            configure(c, dialect, SessionConfig.builder().instructions("You are the booking agent."));
            assertThat(said(answer(c, Item.functionCallOutput(call.callId(), "{\"agent\":\"booking\"}"))))
                    .isEqualTo("Booking here. For how many?");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theStepAfterACallFallsThroughWhenItsConditionFails(Dialect dialect) throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(fast, dialect)) {
            configure(c, dialect, SessionConfig.builder().instructions("You are the triage agent.").tools(List.of(TRANSFER)));
            Item call = answer(c, Item.userText("book a table"));
            assertThat(call.name()).isEqualTo("transfer_to_booking");
            // No handoff happened: still the triage agent, so the booking step does not answer.
            assertThat(said(answer(c, Item.functionCallOutput(call.callId(), "done")))).isEqualTo("Scripted fallback.");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aToolsOutputIsMatchedByNameAndContent(Dialect dialect) throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(fast, dialect)) {
            configure(c, dialect, SessionConfig.builder().tools(List.of(WEATHER)));
            Item call = answer(c, Item.userText("What is the weather?"));
            assertThat(call.type()).isEqualTo("function_call");
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
            assertThat(said(answer(c, Item.functionCallOutput(call.callId(), "light rain, 12 C")))).isEqualTo("Take an umbrella: light rain, 12 C.");

            Item again = answer(c, Item.userText("And the weather tomorrow?"));
            assertThat(said(answer(c, Item.functionCallOutput(again.callId(), "sunny")))).isEqualTo("The weather: sunny.");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aCallOfAToolTheSessionDoesNotOfferFallsThroughToTheNextRule(Dialect dialect) throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(fast, dialect)) {
            configure(c, dialect, SessionConfig.builder().tools(List.of(TRANSFER)));
            assertThat(said(answer(c, Item.userText("What is the weather?")))).isEqualTo("I cannot look up the weather.");
        }
    }

    @Test
    void toolChoiceNoneForbidsScriptedCallsToo() throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(fast, Dialect.GA)) {
            configure(c, Dialect.GA, SessionConfig.builder().tools(List.of(WEATHER)).toolChoice(ToolChoice.NONE));
            assertThat(said(answer(c, Item.userText("What is the weather?")))).isEqualTo("I cannot look up the weather.");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRuleForAnOfferedToolAnswersOnlyWhenTheToolIsOffered(Dialect dialect) throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(fast, dialect)) {
            assertThat(said(answer(c, Item.userText("What can you do?")))).isEqualTo("Scripted fallback.");
            configure(c, dialect, SessionConfig.builder().tools(List.of(WEATHER)));
            assertThat(said(answer(c, Item.userText("What can you do?")))).isEqualTo("I can check the weather.");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void whatNoRuleAnswersGoesToTheOtherwiseResponder(Dialect dialect) throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(fast, dialect)) {
            assertThat(said(answer(c, Item.userText("Hello there")))).isEqualTo("Scripted fallback.");
            assertThat(said(answer(c, null))).as("a response with nothing new").isEqualTo("Scripted fallback.");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aSpokenTurnIsMatchedByItsTranscript(Dialect dialect) throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(fast, dialect)) {
            configure(c, dialect, SessionConfig.builder().turnDetection(io.rtvoice.event.TurnDetection.serverVad(0.5, 300, 500))
                    .inputTranscription(io.rtvoice.event.InputTranscription.of("whisper-1")));
            EmulatorTurnsAndFaultsTest.speak(c, EmulatorTurnsAndFaultsTest.pcm(1000, false));
            EmulatorTurnsAndFaultsTest.speak(c, EmulatorTurnsAndFaultsTest.pcm(1200, true));
            EmulatorTurnsAndFaultsTest.speak(c, EmulatorTurnsAndFaultsTest.pcm(800, false));
            // The emulator transcribes a turn as its length, before the VAD's response asks the script.
            String transcript = c.await(ServerEvent.ConversationItemInputAudioTranscriptionCompleted.class).transcript();
            assertThat(transcript).isEqualTo("audio of 2000 milliseconds");
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            assertThat(said(done.response().output().get(0))).isEqualTo("You spoke for 2000 ms.");
        }
    }

    @Test
    void aLongAnswerIsStillBeingSpokenWhenTheClientCutsIt() throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(realTime, Dialect.GA)) {
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("Give me the long answer")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            c.await(ServerEvent.ResponseOutputAudioDelta.class);
            // Fifty sentences at real-time pace last minutes: a guardrail reading the transcript can stop it midway.
            c.send(new ClientEvent.ResponseCancel(null, null));
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            assertThat(done.response().status()).isEqualTo("cancelled");
            assertThat(c.events()).noneMatch(e -> e instanceof ServerEvent.ResponseOutputAudioTranscriptDone t
                    && t.transcript().length() == 50 * "This answer goes on and on. ".length() - 1);
        }
    }

    @Test
    void aLongAnswerSaysItsWordsThatManyTimes() throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(fast, Dialect.PREVIEW)) {
            String transcript = said(answer(c, Item.userText("the long answer, please")));
            assertThat(transcript).isEqualTo(String.join(" ", java.util.Collections.nCopies(50, "This answer goes on and on.")));
        }
    }

    @Test
    void anMcpToolIsCalledOnlyWhenItsServerIsOfferedAndTheNextStepReadsItsOutput() throws Exception {
        try (McpTestServer server = McpTestServer.start();
                WsClient c = EmulatorProtocolTest.connect(fast, Dialect.GA)) {
            assertThat(said(answer(c, Item.userText("echo this")))).as("no server yet").isEqualTo("Scripted fallback.");

            configure(c, Dialect.GA, SessionConfig.builder().tools(List.of(Tool.mcp("docs", server.url().toString()).withRequireApproval("never"))));
            c.await(ServerEvent.McpListToolsCompleted.class);
            Item call = answer(c, Item.userText("echo this"));
            assertThat(call.type()).isEqualTo("mcp_call");
            assertThat(call.output()).isEqualTo("echo: echo this");
            assertThat(server.calls()).containsExactly(new McpTestServer.Call("echo", Map.of("text", "echo this")));
            assertThat(said(answer(c, null))).isEqualTo("It said: echo: echo this.");
        }
    }
}
