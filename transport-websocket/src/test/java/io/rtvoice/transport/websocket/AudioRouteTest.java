package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.ReconnectPolicy;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.conversation.ConversationResponse;
import io.rtvoice.conversation.OutputItem;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.SyntheticVoice;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.ServerEvent;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;

/**
 * The voice path's route for output audio ({@link RealtimeSession#routeAudio}) over a real socket: the audio
 * decoded straight from Netty's lent frames, every byte of it, in order, and the deltas' events still in
 * order, without their audio.
 */
class AudioRouteTest {

    static final String KEY = "sk-audio-route-test";
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0));

    /** What a route received: the audio, and one entry per delta. */
    static final class Recorder implements EventCodec.AudioSink {
        final ByteArrayOutputStream audio = new ByteArrayOutputStream();
        final List<String> deltas = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void audio(String responseId, String itemId, int outputIndex, int contentIndex, byte[] bytes,
                int offset, int length) {
            audio.write(bytes, offset, length);
            deltas.add(responseId + "/" + itemId + "/" + outputIndex + "/" + contentIndex);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theRouteGetsEveryByteOfTheAnswerAndTheEventsGetTheDeltasWithoutAudio(Dialect dialect) {
        try (Conversation conversation = Conversation.connect(emulator.client(dialect)).block(TIMEOUT)) {
            Recorder route = new Recorder();
            conversation.session().routeAudio(route);
            List<ServerEvent.ResponseOutputAudioDelta> events = new CopyOnWriteArrayList<>();
            conversation.events().ofType(ServerEvent.ResponseOutputAudioDelta.class).subscribe(events::add);

            conversation.addUserText("Good morning");
            ConversationResponse response = conversation.respond().block(TIMEOUT);
            OutputItem item = response.items().blockFirst(TIMEOUT);
            List<byte[]> itemAudio = item.audio().collectList().block(TIMEOUT);
            response.done().block(TIMEOUT);

            assertThat(route.audio.toByteArray()).isEqualTo(SyntheticVoice.speak("You said: Good morning."));
            assertThat(route.deltas).hasSizeGreaterThan(1)
                    .allSatisfy(d -> assertThat(d).isEqualTo(response.id() + "/" + item.id() + "/0/0"));
            assertThat(events).hasSameSizeAs(route.deltas).allSatisfy(e -> {
                assertThat(e.delta()).isEmpty();
                assertThat(e.itemId()).isEqualTo(item.id());
                assertThat(e.responseId()).isEqualTo(response.id());
            });
            assertThat(itemAudio).as("the audio went to the route, not to the item").isEmpty();
            assertThat(conversation.session().undecodableFrames()).isZero();
        }
    }

    @Test
    void everyRouteGetsTheAudioAndDisposingTheLastBringsItBackToTheEvents() {
        try (Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT)) {
            Recorder player = new Recorder();
            Recorder recorder = new Recorder();
            Disposable playing = conversation.session().routeAudio(player);
            Disposable recording = conversation.session().routeAudio(recorder);

            conversation.addUserText("Good morning");
            conversation.respond().flatMap(ConversationResponse::done).block(TIMEOUT);
            assertThat(player.audio.toByteArray()).isEqualTo(SyntheticVoice.speak("You said: Good morning."));
            assertThat(recorder.audio.toByteArray()).isEqualTo(player.audio.toByteArray());

            recording.dispose();
            conversation.addUserText("Good day");
            conversation.respond().flatMap(ConversationResponse::done).block(TIMEOUT);
            assertThat(recorder.audio.size()).as("no longer routed").isEqualTo(player.audio.size() - SyntheticVoice.speak("You said: Good day.").length);

            playing.dispose();
            recording.dispose(); // twice: nothing
            conversation.addUserText("Good evening");
            OutputItem item = conversation.respond().block(TIMEOUT).items().blockFirst(TIMEOUT);
            ByteArrayOutputStream audio = new ByteArrayOutputStream();
            item.audio().doOnNext(audio::writeBytes).blockLast(TIMEOUT);

            assertThat(audio.toByteArray()).isEqualTo(SyntheticVoice.speak("You said: Good evening."));
        }
    }

    @Test
    void aRouteThatThrowsMissesOnlyItsOwnDeltasTheOtherRoutesAndTheSessionGoOn() {
        try (Conversation conversation = Conversation.connect(emulator.client(Dialect.GA)).block(TIMEOUT)) {
            AtomicInteger calls = new AtomicInteger();
            conversation.session().routeAudio((response, item, output, content, audio, offset, length) -> {
                if (calls.incrementAndGet() % 2 == 0) {
                    throw new IllegalStateException("a broken sink");
                }
            });
            Recorder player = new Recorder();
            conversation.session().routeAudio(player);
            List<ServerEvent.ResponseOutputAudioDelta> events = new CopyOnWriteArrayList<>();
            conversation.events().ofType(ServerEvent.ResponseOutputAudioDelta.class).subscribe(events::add);

            ByteArrayOutputStream said = new ByteArrayOutputStream();
            for (String words : List.of("Good morning", "Good evening")) {
                conversation.addUserText(words);
                assertThat(conversation.respond().flatMap(ConversationResponse::done).block(TIMEOUT).status()).isEqualTo("completed");
                said.writeBytes(SyntheticVoice.speak("You said: " + words + "."));
            }

            assertThat(calls.get()).isGreaterThan(2);
            assertThat(player.audio.toByteArray()).as("the route after the broken one got every delta").isEqualTo(said.toByteArray());
            assertThat(events).hasSize(calls.get())
                    .allSatisfy(e -> assertThat(e.delta()).as("never put back: a player of events would play it twice").isEmpty());
        }
    }

    @Test
    void theRouteFollowsTheSessionToTheConnectionThatRenewsIt() {
        try (RealtimeEmulator renewing = RealtimeEmulator.builder().apiKey(KEY).pace(0).sessionDuration(Duration.ofSeconds(10)).start()) {
            RealtimeClient client = RealtimeClient.builder()
                    .endpoint(Endpoint.custom(renewing.uri("/v1/realtime?model=m"), Dialect.GA)).credentials(Credentials.apiKey(KEY)).build();
            // Renewed 1-2 s after each connect (the expiry is in whole seconds): long enough for the turn after one.
            RealtimeSession session = client.connect(ReconnectPolicy.withBackoff().renewBefore(Duration.ofSeconds(8))).block(TIMEOUT);
            Recorder route = new Recorder();
            session.routeAudio(route);
            Conversation conversation = Conversation.over(session);
            session.reconnections().blockFirst(TIMEOUT);

            conversation.addUserText("Good evening");
            assertThat(conversation.respond().flatMap(ConversationResponse::done).block(TIMEOUT).status()).isEqualTo("completed");

            assertThat(route.audio.toByteArray()).isEqualTo(SyntheticVoice.speak("You said: Good evening."));
            session.close();
        }
    }
}
