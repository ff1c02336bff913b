package io.rtvoice.transport.websocket;

import static io.rtvoice.transport.websocket.AgentFixtures.TIMEOUT;
import static io.rtvoice.transport.websocket.AgentFixtures.await;
import static io.rtvoice.transport.websocket.AgentFixtures.toolNames;
import static io.rtvoice.transport.websocket.AgentFixtures.transcript;
import static io.rtvoice.transport.websocket.AgentFixtures.turn;
import static io.rtvoice.transport.websocket.AgentFixtures.turnWithTool;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.agent.AgentEvent;
import io.rtvoice.agent.AgentRunner;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.emulator.Responder;
import io.rtvoice.emulator.ScriptedResponder;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.Tool;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;

/** Handoffs between agents in the middle of a call, against the emulator over loopback. */
class AgentHandoffTest {

    static final List<Responder.Turn> turns = new CopyOnWriteArrayList<>();
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(AgentFixtures.KEY)
            .configure(b -> b.pace(0).responder(AgentFixtures.model(turns)));

    /** The same call as the emulator's script, the way an app's own agent tests can write the model. */
    static final String SCRIPT = """
            on user put me through
              when instructions receptionist
              call transfer_to_specialist {}
            then
              when instructions weather specialist
              say Specialist here. Ask me about the weather.
            on user weather in paris
              when instructions weather specialist
              call get_weather {"city": "Paris", "unit": "CELSIUS"}
            then
              say The tool answered: {output}.
            """;
    @RegisterExtension
    static final EmulatorExtension scripted = EmulatorExtension.withKey(AgentFixtures.KEY)
            .configure(b -> b.pace(0).responder(ScriptedResponder.parse(SCRIPT)));

    final List<AgentFixtures.WeatherArgs> weatherCalls = new CopyOnWriteArrayList<>();
    final List<AgentFixtures.RefundArgs> refunds = new CopyOnWriteArrayList<>();

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aScriptedModelHandsOffMidCallAndTheSpecialistAnswersWithItsTool(Dialect dialect) {
        try (Conversation conversation = Conversation.connect(scripted.client(dialect)).block(TIMEOUT)) {
            AgentRunner runner = AgentRunner.builder().conversation(conversation)
                    .agents(AgentFixtures.receptionist(), AgentFixtures.specialist(weatherCalls, refunds)).build();
            runner.start().block(TIMEOUT);

            // Before the handoff the specialist's tool is not offered: the script's rule for it falls through.
            assertThat(turn(conversation, "What is the weather in Paris?")).isEqualTo("You said: What is the weather in Paris?.");
            AgentFixtures.Exchange handoff = turnWithTool(conversation, "Put me through to the specialist please");
            assertThat(transcript(handoff.answer())).isEqualTo("Specialist here. Ask me about the weather.");
            assertThat(runner.currentAgent().name()).isEqualTo("specialist");

            AgentFixtures.Exchange weather = turnWithTool(conversation, "What is the weather in Paris?");
            assertThat(transcript(weather.answer())).isEqualTo("The tool answered: {\"sky\":\"sunny\"}.");
            assertThat(weatherCalls).containsExactly(new AgentFixtures.WeatherArgs("Paris", AgentFixtures.Unit.CELSIUS));
            runner.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aHandoffMidCallChangesTheSessionsInstructionsAndToolsAndTheNextTurnUsesTheNewAgentsTool(Dialect dialect) {
        try (Conversation conversation = Conversation.connect(emulator.client(dialect)).block(TIMEOUT)) {
            List<SessionConfig> updates = new CopyOnWriteArrayList<>();
            conversation.events().ofType(ServerEvent.SessionUpdated.class).subscribe(u -> updates.add(u.session()));
            AgentRunner runner = AgentRunner.builder().conversation(conversation)
                    .agents(AgentFixtures.receptionist(), AgentFixtures.specialist(weatherCalls, refunds)).build();
            Flux<AgentEvent> events = AgentFixtures.record(runner);
            runner.start().block(TIMEOUT);
            assertThat(updates.get(updates.size() - 1).instructions()).isEqualTo("You are the receptionist.");

            // The receptionist speaks first: audio in the conversation, so its voice is fixed from here on.
            assertThat(turn(conversation, "Hello")).isEqualTo("You said: Hello.");
            turns.clear();
            AgentFixtures.Exchange handoff = turnWithTool(conversation, "Put me through to the specialist please");

            assertThat(handoff.call().items().blockFirst(TIMEOUT).type()).isEqualTo("function_call");
            assertThat(transcript(handoff.answer())).isEqualTo("Now speaking as: You are the weather specialist.");
            // What the model saw: the receptionist's tools for the call, the specialist's for the answer that followed.
            assertThat(toolNames(turns.get(0))).containsExactly("transfer_to_specialist");
            assertThat(turns.get(1).session().instructions()).isEqualTo("You are the weather specialist.");
            assertThat(toolNames(turns.get(1))).containsExactlyInAnyOrder("get_weather", "refund", "transfer_to_receptionist");
            SessionConfig updated = updates.get(updates.size() - 1);
            assertThat(updated.instructions()).isEqualTo("You are the weather specialist.");
            assertThat(updated.tools()).extracting(Tool::name).containsExactlyInAnyOrder("get_weather", "refund",
                    "transfer_to_receptionist");
            assertThat(updated.voice().name()).as("the service keeps a voice once it has spoken").isEqualTo("alloy");
            assertThat(runner.currentAgent().name()).isEqualTo("specialist");

            // The call goes on, as the specialist, with its tool.
            AgentFixtures.Exchange weather = turnWithTool(conversation, "What is the weather in Paris?");
            assertThat(transcript(weather.answer())).isEqualTo("The tool answered: {\"sky\":\"sunny\"}.");
            assertThat(weatherCalls).containsExactly(new AgentFixtures.WeatherArgs("Paris", AgentFixtures.Unit.CELSIUS));

            await(events, AgentEvent.ToolEnded.class, e -> e.tool().equals("get_weather"));
            runner.close();
            assertThat(events.collectList().block(TIMEOUT)).containsExactly(
                    new AgentEvent.AgentStarted("receptionist"),
                    new AgentEvent.VoiceKept("specialist", "alloy", "cedar"),
                    new AgentEvent.AgentEnded("receptionist"),
                    new AgentEvent.Handoff("receptionist", "specialist"),
                    new AgentEvent.AgentStarted("specialist"),
                    new AgentEvent.ToolStarted("specialist", weather.call().items().blockFirst(TIMEOUT).done().block(TIMEOUT).callId(),
                            "get_weather", "{\"city\":\"Paris\",\"unit\":\"CELSIUS\"}"),
                    new AgentEvent.ToolEnded("specialist", weather.call().items().blockFirst(TIMEOUT).done().block(TIMEOUT).callId(),
                            "get_weather", "{\"sky\":\"sunny\"}"),
                    new AgentEvent.AgentEnded("specialist"));
        }
    }

    @Test
    void aHandoffBeforeTheModelHasSpokenChangesTheVoiceAndAnotherHandsBack() {
        try (Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT)) {
            List<SessionConfig> updates = new CopyOnWriteArrayList<>();
            conversation.events().ofType(ServerEvent.SessionUpdated.class).subscribe(u -> updates.add(u.session()));
            AgentRunner runner = AgentRunner.builder().conversation(conversation)
                    .agents(AgentFixtures.receptionist(), AgentFixtures.specialist(weatherCalls, refunds)).build();
            Flux<AgentEvent> events = AgentFixtures.record(runner);
            runner.start().block(TIMEOUT);
            assertThat(updates.get(updates.size() - 1).voice().name()).isEqualTo("alloy");

            AgentFixtures.Exchange handoff = turnWithTool(conversation, "The specialist, please");
            transcript(handoff.answer());
            assertThat(updates.get(updates.size() - 1).voice().name()).as("nothing spoken yet: the voice may change")
                    .isEqualTo("cedar");

            AgentFixtures.Exchange back = turnWithTool(conversation, "Back to reception");
            assertThat(transcript(back.answer())).isEqualTo("Now speaking as: You are the receptionist.");
            assertThat(updates.get(updates.size() - 1).tools()).extracting(Tool::name).containsExactly("transfer_to_specialist");
            assertThat(runner.currentAgent().name()).isEqualTo("receptionist");
            assertThat(await(events, AgentEvent.VoiceKept.class, e -> true)).isEqualTo(
                    new AgentEvent.VoiceKept("receptionist", "cedar", "alloy"));
            runner.close();
        }
    }

    /**
     * The app talked before it started the runner, which so never saw the model speak: the service refuses the
     * specialist's voice, and the handoff goes on in the voice the session has.
     */
    @Test
    void whenTheServiceRefusesTheVoiceTheHandoffGoesOnInTheVoiceItHas() {
        try (Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT)) {
            conversation.configure(SessionConfig.builder().voice("alloy").build()).block(TIMEOUT);
            assertThat(turn(conversation, "Hello")).isEqualTo("You said: Hello.");
            List<ServerEvent.Error> errors = new CopyOnWriteArrayList<>();
            conversation.events().ofType(ServerEvent.Error.class).subscribe(errors::add);
            AgentRunner runner = AgentRunner.builder().conversation(conversation)
                    .agents(AgentFixtures.receptionist(), AgentFixtures.specialist(weatherCalls, refunds)).build();
            Flux<AgentEvent> events = AgentFixtures.record(runner);
            runner.start().block(TIMEOUT);

            AgentFixtures.Exchange handoff = turnWithTool(conversation, "Put me through to the specialist please");

            assertThat(transcript(handoff.answer())).isEqualTo("Now speaking as: You are the weather specialist.");
            assertThat(errors).extracting(e -> e.error().code()).containsExactly("cannot_update_voice");
            assertThat(await(events, AgentEvent.VoiceKept.class, e -> true))
                    .isEqualTo(new AgentEvent.VoiceKept("specialist", "alloy", "cedar"));
            assertThat(await(events, AgentEvent.Handoff.class, e -> true))
                    .isEqualTo(new AgentEvent.Handoff("receptionist", "specialist"));
            runner.close();
        }
    }
}
