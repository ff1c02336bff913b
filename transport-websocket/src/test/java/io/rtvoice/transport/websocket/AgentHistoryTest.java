package io.rtvoice.transport.websocket;

import static io.rtvoice.transport.websocket.AgentFixtures.TIMEOUT;
import static io.rtvoice.transport.websocket.AgentFixtures.transcript;
import static io.rtvoice.transport.websocket.AgentFixtures.turn;
import static io.rtvoice.transport.websocket.AgentFixtures.turnWithTool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.rtvoice.Dialect;
import io.rtvoice.agent.AgentRunner;
import io.rtvoice.agent.History;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.emulator.Responder;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ContentPart;
import io.rtvoice.event.Item;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The history follows the call, goes to JSON, and a new session started from it has its items and its agent. */
class AgentHistoryTest {

    static final List<Responder.Turn> turns = new CopyOnWriteArrayList<>();
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(AgentFixtures.KEY)
            .configure(b -> b.pace(0).responder(AgentFixtures.model(turns)));

    final List<AgentFixtures.WeatherArgs> weatherCalls = new CopyOnWriteArrayList<>();
    final List<AgentFixtures.RefundArgs> refunds = new CopyOnWriteArrayList<>();

    AgentRunner runner(Conversation conversation, History restore) {
        return AgentRunner.builder().conversation(conversation).restore(restore)
                .agents(AgentFixtures.receptionist(), AgentFixtures.specialist(weatherCalls, refunds)).build();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aStoredHistoryStartsANewSessionWithItsItemsInOrderAndItsLastAgent(Dialect dialect) {
        String stored;
        History first;
        try (Conversation conversation = Conversation.connect(emulator.client(dialect)).block(TIMEOUT)) {
            AgentRunner runner = runner(conversation, null);
            runner.start().block(TIMEOUT);
            turn(conversation, "Hello");
            transcript(turnWithTool(conversation, "Put me through to the specialist please").answer());
            String answer = transcript(turnWithTool(conversation, "What is the weather in Paris?").answer());

            first = runner.history().filter(h -> !h.entries().isEmpty() && h.entries().get(h.entries().size() - 1)
                    instanceof History.AssistantMessage a && answer.equals(a.text())).blockFirst(TIMEOUT);
            assertThat(first.entries()).extracting(AgentHistoryTest::describe).containsExactly(
                    "user: Hello",
                    "receptionist: You said: Hello. (spoken)",
                    "user: Put me through to the specialist please",
                    "receptionist calls transfer_to_specialist {}",
                    "handoff receptionist -> specialist",
                    "output {\"assistant\":\"specialist\"}",
                    "specialist: Now speaking as: You are the weather specialist. (spoken)",
                    "user: What is the weather in Paris?",
                    "specialist calls get_weather {\"city\":\"Paris\",\"unit\":\"CELSIUS\"}",
                    "output {\"sky\":\"sunny\"}",
                    "specialist: The tool answered: {\"sky\":\"sunny\"}. (spoken)");
            stored = first.toJson(); // what the app keeps, through a process restart say
            runner.close();
        }

        try (Conversation conversation = Conversation.connect(emulator.client(dialect)).block(TIMEOUT)) {
            AgentRunner runner = runner(conversation, History.fromJson(stored));
            runner.start().block(TIMEOUT);
            assertThat(runner.currentAgent().name()).as("the agent the history last handed off to").isEqualTo("specialist");
            assertThat(runner.currentHistory()).isEqualTo(first);

            turns.clear();
            assertThat(turn(conversation, "And tomorrow?")).isEqualTo("You said: And tomorrow?.");

            // The emulator's view: the new session has every item, in order, and the specialist's instructions.
            Responder.Turn seen = turns.get(0);
            assertThat(seen.session().instructions()).isEqualTo("You are the weather specialist.");
            assertThat(seen.conversation()).extracting(Item::type, Item::role, AgentHistoryTest::text).containsExactly(
                    tuple("message", "user", "Hello"),
                    tuple("message", "assistant", "You said: Hello."),
                    tuple("message", "user", "Put me through to the specialist please"),
                    tuple("function_call", null, "transfer_to_specialist {}"),
                    tuple("function_call_output", null, "{\"assistant\":\"specialist\"}"),
                    tuple("message", "assistant", "Now speaking as: You are the weather specialist."),
                    tuple("message", "user", "What is the weather in Paris?"),
                    tuple("function_call", null, "get_weather {\"city\":\"Paris\",\"unit\":\"CELSIUS\"}"),
                    tuple("function_call_output", null, "{\"sky\":\"sunny\"}"),
                    tuple("message", "assistant", "The tool answered: {\"sky\":\"sunny\"}."),
                    tuple("message", "user", "And tomorrow?"));
            runner.close();
        }
    }

    static String describe(History.Entry entry) {
        if (entry instanceof History.UserMessage m) {
            return "user: " + m.text() + (m.audio() ? " (spoken)" : "");
        } else if (entry instanceof History.AssistantMessage m) {
            return m.agent() + ": " + m.text() + (m.audio() ? " (spoken)" : "") + (m.truncated() ? " cut at " + m.heardMillis() : "");
        } else if (entry instanceof History.ToolCall c) {
            return c.agent() + " calls " + c.name() + " " + c.arguments();
        } else if (entry instanceof History.ToolOutput o) {
            return "output " + o.output();
        } else if (entry instanceof History.Handoff h) {
            return "handoff " + h.from() + " -> " + h.to();
        }
        throw new AssertionError(entry);
    }

    static String text(Item item) {
        if ("function_call".equals(item.type())) {
            return item.name() + " " + item.arguments();
        } else if ("function_call_output".equals(item.type())) {
            return item.output();
        }
        StringBuilder text = new StringBuilder();
        for (ContentPart part : item.content()) {
            text.append(part.text() != null ? part.text() : part.transcript() != null ? part.transcript() : "");
        }
        return text.toString();
    }
}
