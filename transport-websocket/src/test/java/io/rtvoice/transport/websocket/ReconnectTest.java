package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.ReconnectPolicy;
import io.rtvoice.Reconnection;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.conversation.ConversationException;
import io.rtvoice.conversation.ConversationResponse;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Automatic reconnection against the emulator's faults: recovered, restored, renewed, or given up on. */
class ReconnectTest {

    static final String KEY = "sk-reconnect-test-77";
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final ReconnectPolicy FAST = ReconnectPolicy.withBackoff().delays(Duration.ofMillis(20), Duration.ofMillis(200)).maxAttempts(4);

    static RealtimeClient client(RealtimeEmulator emulator, String faults, Credentials credentials) {
        String query = faults == null ? "" : "&rtvoice_fault=" + faults;
        return RealtimeClient.builder().endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=m" + query), Dialect.GA))
                .credentials(credentials).build();
    }

    static String text(io.rtvoice.event.Item item) {
        return item.content().stream().map(p -> p.text() != null ? p.text() : p.transcript()).filter(t -> t != null)
                .findFirst().orElse("");
    }

    @Test
    void aDroppedConnectionIsReplacedRestoredAndPendingWorkFails() throws Exception {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(1).start();
                CuttableProxy network = new CuttableProxy(emulator.port())) {
            RealtimeClient client = RealtimeClient.builder()
                    .endpoint(Endpoint.custom(java.net.URI.create("ws://127.0.0.1:" + network.port() + "/v1/realtime?model=m"), Dialect.GA))
                    .credentials(Credentials.apiKey(KEY)).build();
            RealtimeSession session = client.connect(FAST.restore(ReconnectPolicy.Restore.SESSION_AND_ITEMS)).block(TIMEOUT);
            List<ServerEvent> seen = new CopyOnWriteArrayList<>();
            session.events().subscribe(seen::add, e -> { });
            List<Reconnection> reconnections = new CopyOnWriteArrayList<>();
            session.reconnections().subscribe(reconnections::add);
            Conversation conversation = Conversation.over(session);

            conversation.configure(SessionConfig.builder().instructions("Answer in one word.").build()).block(TIMEOUT);
            conversation.addUserText("first question");
            ConversationResponse first = conversation.respond().block(TIMEOUT);
            session.events().ofType(ServerEvent.ResponseOutputAudioDelta.class).blockFirst(TIMEOUT);
            network.cutAll(); // mid-response, at real-time pace

            // The answer in flight fails; it does not hang.
            Throwable lost = catchThrowable(() -> first.done().block(TIMEOUT));
            assertThat(lost).isInstanceOf(ConversationException.class).hasMessageContaining("session_reconnected");
            Flux.interval(Duration.ofMillis(5)).filter(t -> !reconnections.isEmpty()).blockFirst(TIMEOUT);
            Reconnection reconnection = reconnections.get(0);
            assertThat(reconnection.planned()).isFalse();
            assertThat(reconnection.cause()).contains("1006");
            assertThat(reconnection.restored()).isEqualTo(ReconnectPolicy.Restore.SESSION_AND_ITEMS);

            // The new session got the configuration and the user's item back before anything new.
            Flux.interval(Duration.ofMillis(5)).filter(t -> lastIndexOf(seen, ServerEvent.SessionCreated.class) > 0).blockFirst(TIMEOUT);
            int secondSession = lastIndexOf(seen, ServerEvent.SessionCreated.class);
            Flux.interval(Duration.ofMillis(5)).filter(t -> !added(seen, secondSession).isEmpty()).blockFirst(TIMEOUT);
            ServerEvent.SessionUpdated updated = (ServerEvent.SessionUpdated) seen.subList(secondSession, seen.size()).stream()
                    .filter(ServerEvent.SessionUpdated.class::isInstance).findFirst().orElseThrow();
            assertThat(updated.session().instructions()).isEqualTo("Answer in one word.");
            assertThat(added(seen, secondSession)).containsExactly("first question");

            // And it goes on answering.
            conversation.addUserText("second question");
            assertThat(conversation.respond().flatMap(ConversationResponse::done).block(TIMEOUT).status()).isEqualTo("completed");
            session.close();
        }
    }

    @Test
    void theSessionIsRenewedBeforeItExpiresWithoutEverSeeingTheExpiry() {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).sessionDuration(Duration.ofSeconds(3)).start()) {
            RealtimeSession session = client(emulator, null, Credentials.apiKey(KEY))
                    .connect(FAST.renewBefore(Duration.ofMillis(2200))).block(TIMEOUT);
            List<ServerEvent> seen = new CopyOnWriteArrayList<>();
            session.events().subscribe(seen::add, e -> { });
            session.send(new io.rtvoice.event.ClientEvent.SessionUpdate(null, SessionConfig.builder().voice("verse").build()));

            Reconnection renewal = session.reconnections().blockFirst(TIMEOUT);
            assertThat(renewal.planned()).isTrue();
            assertThat(renewal.downtime()).isZero();
            // The renewed session is configured like the first, and no expiry ever reached the app.
            Flux.interval(Duration.ofMillis(5)).filter(t -> seen.stream().filter(ServerEvent.SessionUpdated.class::isInstance).count() >= 2)
                    .blockFirst(TIMEOUT);
            assertThat(seen).filteredOn(ServerEvent.SessionUpdated.class::isInstance)
                    .allSatisfy(e -> assertThat(((ServerEvent.SessionUpdated) e).session().audio().output().voice().name()).isEqualTo("verse"));
            assertThat(seen).noneMatch(ServerEvent.Error.class::isInstance);
            session.close();
        }
    }

    @Test
    void aRevokedKeyIsNotRetried() {
        AtomicInteger tokens = new AtomicInteger();
        // The first connect gets the good key; after the drop, the key has been revoked.
        Credentials rotating = Credentials.bearerToken(() -> Mono.fromSupplier(() -> tokens.getAndIncrement() == 0 ? KEY : "sk-revoked-1234"));
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).start()) {
            // Dropped right after session.created, the only event GA sends unasked.
            RealtimeSession session = client(emulator, "close_after:1", rotating).connect(FAST).block(TIMEOUT);
            Throwable ended = catchThrowable(() -> session.events().blockLast(TIMEOUT));
            assertThat(ended).isInstanceOf(TransportException.class);
            assertThat(((TransportException) ended).httpStatus()).isEqualTo(401);
            assertThat(tokens.get()).as("one connect, then one attempt that was refused").isEqualTo(2);
            assertThat(ended).hasMessageNotContaining("sk-revoked-1234").hasMessageNotContaining(KEY);
        }
    }

    @Test
    void anOutageLongerThanTheAttemptsEndsTheSessionAndSendsAreRefusedMeanwhile() {
        RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).start();
        RealtimeSession session = client(emulator, null, Credentials.apiKey(KEY))
                .connect(FAST.delays(Duration.ofMillis(300), Duration.ofMillis(300)).maxAttempts(3)).block(TIMEOUT);
        var ended = session.events().then().toFuture();
        // A round trip proves the session is up (events before the first subscriber are not kept, so
        // waiting for the server's greeting could miss it).
        var updated = session.events().ofType(ServerEvent.SessionUpdated.class).next().toFuture();
        session.send(new io.rtvoice.event.ClientEvent.SessionUpdate(null, io.rtvoice.event.SessionConfig.builder().instructions("hi").build()));
        assertThat(updated.orTimeout(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join()).isNotNull();
        emulator.close(); // the server goes away for good

        Flux.interval(Duration.ofMillis(5)).filter(t -> {
            try {
                session.send(new io.rtvoice.event.ClientEvent.InputAudioBufferClear(null));
                return false;
            } catch (IllegalStateException reconnecting) {
                return reconnecting.getMessage().startsWith("reconnecting");
            }
        }).blockFirst(TIMEOUT);
        Throwable gaveUp = catchThrowable(() -> Mono.fromFuture(ended).block(TIMEOUT));
        assertThat(gaveUp).isInstanceOf(TransportException.class).hasMessageContaining("cannot connect");
        assertThatThrownBy(() -> session.send(new io.rtvoice.event.ClientEvent.InputAudioBufferClear(null)))
                .isInstanceOf(IllegalStateException.class);
    }

    static int lastIndexOf(List<ServerEvent> events, Class<?> type) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    static List<String> added(List<ServerEvent> events, int from) {
        return events.subList(from, events.size()).stream().filter(ServerEvent.ConversationItemAdded.class::isInstance)
                .map(e -> ((ServerEvent.ConversationItemAdded) e).item()).filter(i -> "user".equals(i.role()))
                .map(ReconnectTest::text).toList();
    }

}
