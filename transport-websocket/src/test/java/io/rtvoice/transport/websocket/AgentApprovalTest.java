package io.rtvoice.transport.websocket;

import static io.rtvoice.transport.websocket.AgentFixtures.TIMEOUT;
import static io.rtvoice.transport.websocket.AgentFixtures.await;
import static io.rtvoice.transport.websocket.AgentFixtures.transcript;
import static io.rtvoice.transport.websocket.AgentFixtures.turnWithTool;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.agent.AgentEvent;
import io.rtvoice.agent.AgentRunner;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.emulator.Responder;
import io.rtvoice.emulator.testing.EmulatorExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

/** A tool that needs approval waits for the app: approved it runs; rejected or timed out the model is told so. */
class AgentApprovalTest {

    static final List<Responder.Turn> turns = new CopyOnWriteArrayList<>();
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(AgentFixtures.KEY)
            .configure(b -> b.pace(0).responder(AgentFixtures.model(turns)));

    final List<AgentFixtures.WeatherArgs> weatherCalls = new CopyOnWriteArrayList<>();
    final List<AgentFixtures.RefundArgs> refunds = new CopyOnWriteArrayList<>();

    /** The specialist has the call from the start: its refund tool needs approval. */
    AgentRunner runner(Conversation conversation, Duration approvalTimeout) {
        return AgentRunner.builder().conversation(conversation).approvalTimeout(approvalTimeout)
                .agents(AgentFixtures.specialist(weatherCalls, refunds), AgentFixtures.receptionist()).build();
    }

    @Test
    void anApprovedCallRuns() {
        try (Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT)) {
            AgentRunner runner = runner(conversation, Duration.ofSeconds(30));
            Flux<AgentEvent> events = AgentFixtures.record(runner);
            // The app decides when it is asked, as a console or a UI would.
            events.ofType(AgentEvent.ApprovalRequested.class).subscribe(r -> runner.approve(r.id()));
            runner.start().block(TIMEOUT);

            AgentFixtures.Exchange exchange = turnWithTool(conversation, "I want a refund");

            assertThat(transcript(exchange.answer())).isEqualTo("The tool answered: {\"refunded\":30}.");
            assertThat(refunds).containsExactly(new AgentFixtures.RefundArgs("A-17", 30));
            String callId = exchange.call().items().blockFirst(TIMEOUT).done().block(TIMEOUT).callId();
            assertThat(await(events, AgentEvent.ApprovalRequested.class, e -> true))
                    .isEqualTo(new AgentEvent.ApprovalRequested("specialist", callId, "refund", "{\"order\":\"A-17\",\"amount\":30}"));
            assertThat(await(events, AgentEvent.ApprovalDecided.class, e -> true))
                    .isEqualTo(new AgentEvent.ApprovalDecided("specialist", callId, true, null));
            assertThat(runner.approve(callId)).as("decided already").isFalse();
            runner.close();
        }
    }

    @Test
    void aRejectedCallDoesNotRunAndTheModelIsToldWhy() {
        try (Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT)) {
            AgentRunner runner = runner(conversation, Duration.ofSeconds(30));
            Flux<AgentEvent> events = AgentFixtures.record(runner);
            events.ofType(AgentEvent.ApprovalRequested.class).subscribe(r -> runner.reject(r.id(), "the manager said no"));
            runner.start().block(TIMEOUT);

            AgentFixtures.Exchange exchange = turnWithTool(conversation, "I want a refund");

            assertThat(transcript(exchange.answer()))
                    .isEqualTo("The tool answered: {\"error\":\"the call was not approved: the manager said no\"}.");
            assertThat(refunds).isEmpty();
            assertThat(await(events, AgentEvent.ToolEnded.class, e -> true).output())
                    .isEqualTo("{\"error\":\"the call was not approved: the manager said no\"}");
            runner.close();
        }
    }

    @Test
    void aCallNobodyDecidesOnTimesOutAsNotApprovedAndTheCallGoesOn() {
        try (Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT)) {
            AgentRunner runner = runner(conversation, Duration.ofMillis(300));
            Flux<AgentEvent> events = AgentFixtures.record(runner);
            runner.start().block(TIMEOUT);

            AgentFixtures.Exchange exchange = turnWithTool(conversation, "I want a refund");

            assertThat(transcript(exchange.answer()))
                    .isEqualTo("The tool answered: {\"error\":\"the call was not approved: no decision within 300 ms\"}.");
            assertThat(refunds).isEmpty();
            AgentEvent.ApprovalRequested asked = await(events, AgentEvent.ApprovalRequested.class, e -> true);
            assertThat(await(events, AgentEvent.ApprovalDecided.class, e -> true))
                    .isEqualTo(new AgentEvent.ApprovalDecided("specialist", asked.id(), false, "no decision within 300 ms"));
            assertThat(runner.approve(asked.id())).as("too late").isFalse();

            // and the session keeps answering
            assertThat(AgentFixtures.turn(conversation, "Thanks")).isEqualTo("You said: Thanks.");
            runner.close();
        }
    }

    /** A subscriber that stops the runner while it handles an event: the end still comes, after that event, and the stream completes. */
    @Test
    void eventsCausedWhileAnEventIsHandledAreDeliveredAfterItInOrder() {
        try (Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT)) {
            AgentRunner runner = runner(conversation, Duration.ofSeconds(30));
            List<AgentEvent> seen = new CopyOnWriteArrayList<>();
            reactor.core.publisher.Mono<Void> completed = runner.events().doOnNext(e -> {
                seen.add(e);
                if (e instanceof AgentEvent.ToolEnded) {
                    runner.close();
                }
            }).then().cache();
            completed.subscribe();
            runner.start().block(TIMEOUT);

            turnWithTool(conversation, "What is the weather in Paris?");

            completed.block(TIMEOUT);
            assertThat(seen).extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("AgentStarted", "ToolStarted", "ToolEnded", "AgentEnded");
        }
    }
}
