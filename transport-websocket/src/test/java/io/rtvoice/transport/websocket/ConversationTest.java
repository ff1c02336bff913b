package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.conversation.ConversationException;
import io.rtvoice.conversation.ConversationResponse;
import io.rtvoice.conversation.InputAudioItem;
import io.rtvoice.conversation.OutputItem;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.SyntheticVoice;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.TurnDetection;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

/** The high-level conversation against the emulator over loopback, in both dialects. */
class ConversationTest {

    static final String KEY = "sk-conversation-test";
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0));
    @RegisterExtension
    final EmulatorExtension slow = EmulatorExtension.withKey(KEY).configure(b -> b.pace(1));

    static Conversation connect(Dialect dialect) {
        return Conversation.connect(emulator.client(dialect)).block(TIMEOUT);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aResponseStreamsItsItemsAudioAndTranscript(Dialect dialect) {
        try (Conversation conversation = connect(dialect)) {
            conversation.addUserText("Good morning");
            ConversationResponse response = conversation.respond().block(TIMEOUT);
            OutputItem item = response.items().blockFirst(TIMEOUT);

            ByteArrayOutputStream audio = new ByteArrayOutputStream();
            item.audio().doOnNext(audio::writeBytes).blockLast(TIMEOUT);
            String transcript = String.join("", item.transcript().collectList().block(TIMEOUT));

            assertThat(transcript).isEqualTo("You said: Good morning.");
            assertThat(audio.toByteArray()).isEqualTo(SyntheticVoice.speak(transcript));
            assertThat(item.audioBytesReceived()).isEqualTo(audio.size());
            assertThat(item.done().block(TIMEOUT).status()).isEqualTo("completed");
            assertThat(response.done().block(TIMEOUT).status()).isEqualTo("completed");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aFunctionCallIsAnsweredByItsHandlerAndTheResponseContinues(Dialect dialect) {
        try (Conversation conversation = connect(dialect)) {
            List<String> calls = new CopyOnWriteArrayList<>();
            conversation.tool("get_weather", "The weather now", JsonNodeFactory.instance.objectNode().put("type", "object"),
                    arguments -> {
                        calls.add(arguments);
                        return Mono.just("{\"sky\":\"sunny\"}");
                    });
            conversation.configure(SessionConfig.builder().instructions("Be brief.").build()).block(TIMEOUT);
            conversation.addUserText("What does get_weather say for Paris?");

            // The continued response (created by the tool's answer) may come before respond() returns: listen first.
            Mono<ConversationResponse> second = conversation.responses().skip(1).next().cache();
            second.subscribe();
            ConversationResponse first = conversation.respond().block(TIMEOUT);
            ConversationResponse continued = second.block(TIMEOUT);
            assertThat(first.items().blockFirst(TIMEOUT).type()).isEqualTo("function_call");
            String answer = String.join("", continued.items().blockFirst(TIMEOUT).transcript().collectList().block(TIMEOUT));

            assertThat(calls).containsExactly("{\"input\":\"What does get_weather say for Paris?\"}");
            assertThat(answer).isEqualTo("The tool answered: {\"sky\":\"sunny\"}.");
        }
    }

    @Test
    void aFailingToolBecomesAnErrorOutputNotADeadSession() {
        try (Conversation conversation = connect(Dialect.GA)) {
            conversation.tool("lookup", "Looks things up", JsonNodeFactory.instance.objectNode().put("type", "object"),
                    arguments -> Mono.error(new IllegalStateException("database down")));
            conversation.configure(SessionConfig.builder().build()).block(TIMEOUT);
            conversation.addUserText("Please lookup my order");
            Mono<ConversationResponse> second = conversation.responses().skip(1).next().cache();
            second.subscribe();
            conversation.respond().block(TIMEOUT);
            ConversationResponse continued = second.block(TIMEOUT);
            String answer = String.join("", continued.items().blockFirst(TIMEOUT).transcript().collectList().block(TIMEOUT));
            assertThat(answer).isEqualTo("The tool answered: {\"error\":\"the tool failed\"}."); // the detail stays in the app

            // and the session keeps answering
            conversation.addUserText("Thanks");
            assertThat(conversation.respond().block(TIMEOUT).done().block(TIMEOUT).status()).isEqualTo("completed");
        }
    }

    /**
     * A truncate of an unknown item is refused just as a response is asked for: the error names the
     * truncate's event, so the response request is not failed by it (it used to be: any error did).
     */
    @Test
    void anErrorAboutAnotherEventDoesNotFailAPendingRequest() {
        try (Conversation conversation = connect(Dialect.GA)) {
            List<ServerEvent.Error> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
            conversation.events().ofType(ServerEvent.Error.class).subscribe(errors::add);
            conversation.addUserText("Hello");
            conversation.truncate("item_that_does_not_exist", 100);
            ConversationResponse response = conversation.respond().block(TIMEOUT);
            assertThat(response.done().block(TIMEOUT).status()).isEqualTo("completed");
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).error().eventId()).as("the error names the truncate").startsWith("evt_rtv");
        }
    }

    @Test
    void aSecondResponseWhileOneIsActiveFailsWithTheServiceError() {
        // Real-time pace: the first response (40 words, ~6 s of audio) is still streaming when the second is asked for.
        try (Conversation conversation = Conversation.connect(slow.client(Dialect.GA)).block(TIMEOUT)) {
            conversation.addUserText(String.join(" ", java.util.Collections.nCopies(40, "long")));
            ConversationResponse active = conversation.respond().block(TIMEOUT);
            ConversationException refused = catchThrowableOfType(ConversationException.class,
                    () -> conversation.respond().block(TIMEOUT));
            assertThat(refused.error().code()).isEqualTo("conversation_already_has_active_response");
            conversation.cancel();
            assertThat(active.done().block(TIMEOUT).status()).isEqualTo("cancelled");
        }
    }

    /**
     * A response the server made on its own (as its VAD does: sent here raw, untagged) and an out-of-band one
     * asked for at the same moment: respond() gets its own, by the metadata the emulator echoes.
     */
    @Test
    void anOutOfBandResponseIsToldApartFromOneTheServerStartedAtTheSameMoment() {
        try (Conversation conversation = Conversation.connect(slow.client(Dialect.GA)).block(TIMEOUT)) {
            conversation.addUserText("hi");
            ConversationResponse first = conversation.respond().block(TIMEOUT); // the server is heard to echo metadata
            assertThat(first.metadata()).containsKey(Conversation.REQUEST_KEY);
            first.done().block(TIMEOUT);

            Mono<ConversationResponse> untagged = conversation.responses().filter(r -> r.metadata().isEmpty()).next().cache();
            untagged.subscribe();
            conversation.session().send(new ClientEvent.ResponseCreate(null, null)); // what a VAD turn would start
            ConversationResponse mine = conversation.respond(ResponseParams.builder().conversation("none")
                    .input(List.of(Item.userText("A side question"))).build()).block(TIMEOUT);

            assertThat(mine.id()).isNotEqualTo(untagged.block(TIMEOUT).id());
            assertThat(mine.done().block(TIMEOUT).conversationId()).isNull(); // out of band: written to no conversation
            assertThat(untagged.block(TIMEOUT).done().block(TIMEOUT).conversationId()).isNotNull();
        }
    }

    @Test
    void committedUserAudioBecomesAnItemWithItsTranscription() {
        try (Conversation conversation = connect(Dialect.GA)) {
            conversation.configure(SessionConfig.builder().turnDetection(TurnDetection.DISABLED)
                    .inputTranscription(InputTranscription.of("whisper-1")).build()).block(TIMEOUT);
            Mono<InputAudioItem> next = conversation.inputItems().next().cache();
            next.subscribe();
            conversation.appendAudio(new byte[48 * 300]); // 300 ms of PCM16 at 24 kHz
            conversation.commitAudio();
            assertThat(next.block(TIMEOUT).transcript().block(TIMEOUT)).isEqualTo("audio of 300 milliseconds");
        }
    }

    @Test
    void whenTheSessionEndsPendingStreamsFailInsteadOfHanging() {
        try (RealtimeEmulator expiring = RealtimeEmulator.builder().apiKey(KEY).pace(1).start()) {
            Conversation conversation = Conversation.connect(RealtimeClient.builder()
                    .endpoint(Endpoint.custom(expiring.uri("/v1/realtime?model=m&rtvoice_fault=close_after:12"), Dialect.GA))
                    .credentials(Credentials.apiKey(KEY)).build()).block(TIMEOUT);
            conversation.addUserText(String.join(" ", java.util.Collections.nCopies(40, "word")));
            ConversationResponse response = conversation.respond().block(TIMEOUT);
            Throwable failed = catchThrowableOfType(RuntimeException.class, () -> response.done().block(TIMEOUT));
            assertThat(failed).isNotNull();
        }
    }
}
