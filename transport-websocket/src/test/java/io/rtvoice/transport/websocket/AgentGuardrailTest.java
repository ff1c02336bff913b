package io.rtvoice.transport.websocket;

import static io.rtvoice.transport.websocket.AgentFixtures.SECRET_ANSWER;
import static io.rtvoice.transport.websocket.AgentFixtures.TIMEOUT;
import static io.rtvoice.transport.websocket.AgentFixtures.await;
import static io.rtvoice.transport.websocket.AgentFixtures.transcript;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.agent.Agent;
import io.rtvoice.agent.AgentEvent;
import io.rtvoice.agent.AgentRunner;
import io.rtvoice.agent.Guardrail;
import io.rtvoice.agent.History;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.NullAudioBackend;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.conversation.ConversationResponse;
import io.rtvoice.conversation.OutputItem;
import io.rtvoice.emulator.Responder;
import io.rtvoice.emulator.SyntheticVoice;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.voice.VoiceSession;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A guardrail trips in the middle of a spoken answer, at real-time pace: the answer is cancelled and cut where the
 * listener stopped hearing it, and the app says a sentence of its own instead.
 */
class AgentGuardrailTest {

    static final List<Responder.Turn> turns = new CopyOnWriteArrayList<>();
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(AgentFixtures.KEY)
            .configure(b -> b.pace(1).responder(AgentFixtures.model(turns)));

    static final Guardrail NO_SECRETS = Guardrail.of("no secrets", text -> text.contains("secret"));
    static final Agent ALONE = Agent.builder("receptionist").instructions("You are the receptionist.").build();
    /** The whole answer, in ms of audio: a cut must come before its end. */
    static final long ANSWER_MILLIS = SyntheticVoice.speak(SECRET_ANSWER).length / 48;

    @Test
    void withAVoiceSessionTheAnswerIsCutAtWhatWasPlayedAndTheAppSaysItsOwnSentence() {
        Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT);
        VoiceSession voice = VoiceSession.builder().conversation(conversation)
                .output(new NullAudioBackend().openPlayback(AudioSpec.of(24_000))).build(); // plays at real-time pace
        try {
            Flux<VoiceSession.Interruption> cuts = voice.interruptions().replay().autoConnect(0);
            voice.start().block(TIMEOUT);
            AgentRunner runner = AgentRunner.builder().conversation(conversation).agents(ALONE)
                    .guardrail(NO_SECRETS).guardrailEveryChars(10).interrupter(voice::interrupt).build();
            Flux<AgentEvent> events = AgentFixtures.record(runner);
            runner.start().block(TIMEOUT);
            Mono<ServerEvent.ConversationItemTruncated> truncated = conversation.events()
                    .ofType(ServerEvent.ConversationItemTruncated.class).next().cache();
            truncated.subscribe();

            conversation.addUserText("Tell me the secret");
            ConversationResponse response = conversation.respond().block(TIMEOUT);
            OutputItem item = response.items().blockFirst(TIMEOUT);

            AgentEvent.GuardrailTripped tripped = await(events, AgentEvent.GuardrailTripped.class, e -> true);
            assertThat(tripped.guardrail()).isEqualTo("no secrets");
            assertThat(tripped.itemId()).isEqualTo(item.id());
            assertThat(tripped.transcript()).contains("secret").doesNotContain("tell you that"); // checked every 10 characters
            assertThat(response.done().block(TIMEOUT).status()).isEqualTo("cancelled");
            ServerEvent.ConversationItemTruncated cut = truncated.block(TIMEOUT);
            VoiceSession.Interruption played = cuts.blockFirst(TIMEOUT);
            assertThat(cut.itemId()).isEqualTo(item.id());
            assertThat((long) cut.audioEndMs()).as("what the speaker played").isEqualTo(played.playedMillis())
                    .isPositive().isLessThan(ANSWER_MILLIS).isLessThanOrEqualTo(played.receivedMillis());
            History history = runner.history().filter(h -> h.entries().stream()
                    .anyMatch(e -> e instanceof History.AssistantMessage a && a.truncated())).blockFirst(TIMEOUT);
            assertThat(history.entries()).contains(new History.AssistantMessage(item.id(), "receptionist",
                    ((History.AssistantMessage) history.entries().get(1)).text(), true, cut.audioEndMs()));

            // The app answers the event: a fixed sentence instead, once the cut answer has ended; and the call goes on.
            ConversationResponse instead = runner.say("I cannot share that.").block(TIMEOUT);
            assertThat(transcript(instead)).isEqualTo("I cannot share that.");
            assertThat(instead.done().block(TIMEOUT).status()).as("not cut by the cut before it").isEqualTo("completed");
            runner.close();
        } finally {
            voice.close();
        }
    }

    @Test
    void withoutAPlayerTheAnswerIsCancelledAndCutAtTheAudioReceived() {
        try (Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT)) {
            AgentRunner runner = AgentRunner.builder().conversation(conversation).agents(ALONE)
                    .guardrail(NO_SECRETS).guardrailEveryChars(10).build();
            Flux<AgentEvent> events = AgentFixtures.record(runner);
            runner.start().block(TIMEOUT);
            Mono<ServerEvent.ConversationItemTruncated> truncated = conversation.events()
                    .ofType(ServerEvent.ConversationItemTruncated.class).next().cache();
            truncated.subscribe();

            conversation.addUserText("Tell me the secret");
            ConversationResponse response = conversation.respond().block(TIMEOUT);
            OutputItem item = response.items().blockFirst(TIMEOUT);

            assertThat(await(events, AgentEvent.GuardrailTripped.class, e -> true).itemId()).isEqualTo(item.id());
            assertThat(response.done().block(TIMEOUT).status()).isEqualTo("cancelled");
            ServerEvent.ConversationItemTruncated cut = truncated.block(TIMEOUT);
            assertThat(cut.itemId()).isEqualTo(item.id());
            assertThat((long) cut.audioEndMs()).isPositive().isLessThan(ANSWER_MILLIS)
                    .isLessThanOrEqualTo(item.audioBytesReceived() / 48);
            runner.close();
        }
    }

    @Test
    void aGuardrailIsCheckedEveryNCharactersAndAtTheEndNotPerDelta() {
        try (Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT)) {
            List<String> checked = new CopyOnWriteArrayList<>();
            reactor.core.publisher.Sinks.Many<String> checks = reactor.core.publisher.Sinks.many().replay().all();
            AgentRunner runner = AgentRunner.builder().conversation(conversation).agents(ALONE).guardrailEveryChars(40)
                    .guardrail(Guardrail.of("records", text -> {
                        checked.add(text);
                        checks.tryEmitNext(text);
                        return false;
                    })).build();
            runner.start().block(TIMEOUT);
            List<String> deltas = new CopyOnWriteArrayList<>();
            conversation.events().ofType(ServerEvent.ResponseOutputAudioTranscriptDelta.class).subscribe(d -> deltas.add(d.delta()));

            String words = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen";
            String answer = AgentFixtures.turn(conversation, words);
            checks.asFlux().filter(answer::equals).blockFirst(TIMEOUT); // the check at the end

            assertThat(answer).isEqualTo("You said: " + words + ".");
            assertThat(checked).last().isEqualTo(answer);
            for (int i = 1; i < checked.size() - 1; i++) {
                assertThat(checked.get(i)).startsWith(checked.get(i - 1));
                assertThat(checked.get(i).length() - checked.get(i - 1).length()).isGreaterThanOrEqualTo(40);
            }
            assertThat(checked.get(0).length()).isGreaterThanOrEqualTo(40);
            assertThat(checked).hasSizeLessThanOrEqualTo(answer.length() / 40 + 1).hasSizeLessThan(deltas.size());
            runner.close();
        }
    }
}
