package io.rtvoice.internal.client;

import static io.rtvoice.testing.InMemoryTransport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.RealtimeSession;
import io.rtvoice.ReconnectPolicy;
import io.rtvoice.Reconnection;
import io.rtvoice.SessionEndedException;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.testing.InMemoryTransport;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * {@link io.rtvoice.RealtimeClient#connect(ReconnectPolicy)} over the in-memory transport: what is
 * replaced, restored, retried or given up on, and how the session ends.
 */
class ReconnectingSessionTest {

    /** No waiting between attempts: the tests about backoff use virtual time instead. */
    static final ReconnectPolicy AT_ONCE = ReconnectPolicy.withBackoff().delays(Duration.ZERO, Duration.ZERO).maxAttempts(3);

    final InMemoryTransport transport = InMemoryTransport.realtime();

    @AfterEach
    void stop() {
        VirtualTimeScheduler.reset();
        transport.close();
    }

    RealtimeSession connect(ReconnectPolicy policy) {
        return transport.client().connect(policy).block(TIMEOUT);
    }

    static String itemCreated(String id, String role, String text) {
        String part = role.equals("assistant") ? "output_text" : "input_text";
        return "{\"type\":\"conversation.item.created\",\"event_id\":\"event_ic\",\"previous_item_id\":null,\"item\":{\"id\":\"" + id
                + "\",\"type\":\"message\",\"role\":\"" + role + "\",\"status\":\"completed\",\"content\":[{\"type\":\"" + part
                + "\",\"text\":\"" + text + "\"}]}}";
    }

    static void update(RealtimeSession session, String instructions) {
        session.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().instructions(instructions).build()));
    }

    @Test
    void aDroppedConnectionIsReplacedAndReconnectionsSaysSo() {
        RealtimeSession session = connect(AT_ONCE);
        List<String> sessions = new CopyOnWriteArrayList<>();
        session.events().ofType(ServerEvent.SessionCreated.class).subscribe(e -> sessions.add(e.session().id()), e -> sessions.add("failed: " + e));
        StepVerifier.create(session.reconnections().take(1))
                .then(() -> transport.connection(0).drop())
                .assertNext(r -> {
                    assertThat(r.attempts()).isEqualTo(1);
                    assertThat(r.planned()).isFalse();
                    assertThat(r.cause()).contains("1006");
                    assertThat(r.restored()).isEqualTo(ReconnectPolicy.Restore.SESSION);
                })
                .expectComplete()
                .verify(TIMEOUT);
        transport.settle();
        assertThat(sessions).as("one events() stream across both connections").containsExactly("sess_0", "sess_1");
        assertThat(transport.connection(1).request().uri()).isEqualTo(transport.connection(0).request().uri());
        session.send(new ClientEvent.InputAudioBufferClear("evt_after"));
        assertThat(transport.connection(1).awaitReceived("input_audio_buffer.clear").path("event_id").asText()).isEqualTo("evt_after");
    }

    @Test
    void aServerCloseSuchAsSessionExpiryIsRecoveredToo() {
        RealtimeSession session = connect(AT_ONCE);
        StepVerifier.create(session.reconnections().take(1))
                .then(() -> transport.connection(0).close(1001, "session_expired"))
                .assertNext(r -> assertThat(r.cause()).contains("1001"))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(transport.connection(1).index()).isEqualTo(1);
    }

    @Test
    void theSessionUpdatesAreRestoredInOrderBeforeAnythingTheAppSendsNext() {
        RealtimeSession session = connect(AT_ONCE);
        update(session, "first");
        update(session, "second");
        transport.connection(0).awaitReceived("session.update");
        transport.settle();
        StepVerifier.create(session.reconnections().take(1))
                .then(() -> transport.connection(0).drop())
                .expectNextCount(1)
                .expectComplete()
                .verify(TIMEOUT);
        session.send(new ClientEvent.InputAudioBufferClear("evt_next"));
        InMemoryTransport.Server second = transport.connection(1);
        List<JsonNode> received = second.received().take(3).collectList().block(TIMEOUT);
        assertThat(received).extracting(n -> n.path("type").asText())
                .containsExactly("session.update", "session.update", "input_audio_buffer.clear");
        assertThat(received).extracting(n -> n.path("session").path("instructions").asText()).startsWith("first", "second");
    }

    @Test
    void withSessionAndItemsTheConversationIsReplayedAsText() {
        RealtimeSession session = connect(AT_ONCE.restore(ReconnectPolicy.Restore.SESSION_AND_ITEMS));
        update(session, "be brief");
        InMemoryTransport.Server first = transport.connection(0);
        first.push(itemCreated("item_u", "user", "What time is it?"));
        first.push(itemCreated("item_a", "assistant", "Noon."));
        transport.settle();
        StepVerifier.create(session.reconnections().take(1))
                .then(first::drop)
                .assertNext(r -> assertThat(r.restored()).isEqualTo(ReconnectPolicy.Restore.SESSION_AND_ITEMS))
                .expectComplete()
                .verify(TIMEOUT);
        List<JsonNode> restored = transport.connection(1).received().take(3).collectList().block(TIMEOUT);
        assertThat(restored).extracting(n -> n.path("type").asText())
                .containsExactly("session.update", "conversation.item.create", "conversation.item.create");
        assertThat(restored.subList(1, 3)).extracting(n -> n.path("item").path("content").path(0).path("text").asText())
                .containsExactly("What time is it?", "Noon.");
    }

    @Test
    void withRestoreNothingTheAppCanReconfigureFromItsReconnectionsSubscriber() {
        RealtimeSession session = connect(AT_ONCE.restore(ReconnectPolicy.Restore.NOTHING));
        update(session, "restored by nobody");
        List<Object> recorded = new CopyOnWriteArrayList<>();
        session.reconnections().subscribe(r -> {
            try {
                update(session, "reconfigured by the app");
                recorded.add("sent");
            } catch (RuntimeException e) {
                recorded.add(e);
            }
        });
        transport.connection(0).drop();
        JsonNode update = transport.connection(1).awaitReceived("session.update");
        assertThat(update.path("session").path("instructions").asText()).isEqualTo("reconfigured by the app");
        assertThat(recorded).containsExactly("sent");
        assertThat(transport.connection(1).receivedTypes()).containsExactly("session.update");
    }

    @Test
    void aRefused401IsNotRetriedAndEndsTheSession() {
        RealtimeSession session = connect(AT_ONCE);
        transport.refuseNext(401);
        StepVerifier.create(session.events().then())
                .then(() -> transport.connection(0).drop())
                .expectErrorSatisfies(e -> assertThat(((TransportException) e).httpStatus()).isEqualTo(401))
                .verify(TIMEOUT);
        StepVerifier.create(session.reconnections()).expectComplete().verify(TIMEOUT);
        assertThat(transport.requests()).as("the first connect and one refused attempt").hasSize(2);
        assertThatThrownBy(() -> session.send(new ClientEvent.InputAudioBufferClear(null))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aProtocolErrorCloseIsNotRetried() {
        RealtimeSession session = connect(AT_ONCE);
        StepVerifier.create(session.events().then())
                .then(() -> transport.connection(0).close(1008, "policy violation"))
                .expectErrorSatisfies(e -> assertThat(((SessionEndedException) e).closeStatus()).isEqualTo(new CloseStatus(1008, "policy violation")))
                .verify(TIMEOUT);
        StepVerifier.create(session.closeStatus()).expectNext(new CloseStatus(1008, "policy violation")).expectComplete().verify(TIMEOUT);
        assertThat(transport.requests()).hasSize(1);
    }

    @Test
    void anInvalidApiKeyErrorFromTheServiceIsNotRetried() {
        RealtimeSession session = connect(AT_ONCE);
        StepVerifier.create(session.events().ofType(ServerEvent.Error.class))
                .then(() -> {
                    transport.connection(0).push(InMemoryTransport.error("invalid_api_key", null));
                    transport.connection(0).close(1000, "");
                })
                .expectNextCount(1)
                .expectError(SessionEndedException.class)
                .verify(TIMEOUT);
        assertThat(transport.requests()).hasSize(1);
    }

    @Test
    void refusalsThatMayHealAreRetriedUpToMaxAttemptsThenTheSessionEndsWithTheLast() {
        RealtimeSession session = connect(AT_ONCE.maxAttempts(3));
        transport.refuseNext(503).refuseNext(502).refuseNext(429);
        StepVerifier.create(session.events().then())
                .then(() -> transport.connection(0).drop())
                .expectErrorSatisfies(e -> assertThat(((TransportException) e).httpStatus()).isEqualTo(429))
                .verify(TIMEOUT);
        assertThat(transport.requests()).hasSize(4);
        StepVerifier.create(session.reconnections()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void anAttemptThatFailsIsFollowedByAnotherThatSucceeds() {
        RealtimeSession session = connect(AT_ONCE);
        transport.refuseNext(503);
        StepVerifier.create(session.reconnections().take(1))
                .then(() -> transport.connection(0).drop())
                .assertNext(r -> assertThat(r.attempts()).isEqualTo(2))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aReconnectWaitsItsBackoffAndSendsAreRefusedMeanwhile() {
        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        RealtimeSession session = connect(ReconnectPolicy.withBackoff().delays(Duration.ofSeconds(1), Duration.ofSeconds(1)));
        List<Reconnection> reconnections = new CopyOnWriteArrayList<>();
        session.reconnections().subscribe(reconnections::add);
        transport.connection(0).drop();
        transport.settle();

        time.advanceTimeBy(Duration.ofMillis(799)); // the earliest a 1 s delay with ±20 % jitter may end
        transport.settle();
        assertThat(transport.requests()).hasSize(1);
        assertThatThrownBy(() -> session.send(new ClientEvent.InputAudioBufferClear(null)))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("reconnecting");

        time.advanceTimeBy(Duration.ofMillis(402)); // the latest
        transport.connection(1);
        transport.settle();
        assertThat(reconnections).hasSize(1);
        session.send(new ClientEvent.InputAudioBufferClear(null));
    }

    @Test
    void closingWhileWaitingToReconnectOpensNoNewConnectionAndEndsTheSession() {
        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        RealtimeSession session = connect(ReconnectPolicy.withBackoff().delays(Duration.ofSeconds(1), Duration.ofSeconds(1)));
        Mono<Void> ended = session.events().then();
        Mono<Void> reconnectionsEnded = session.reconnections().then();
        transport.connection(0).drop();
        transport.settle();

        StepVerifier.create(session.closeGracefully()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(ended).expectComplete().verify(TIMEOUT);
        StepVerifier.create(reconnectionsEnded).expectComplete().verify(TIMEOUT);
        time.advanceTimeBy(Duration.ofSeconds(10));
        transport.settle();
        assertThat(transport.requests()).as("no connection opened only to be closed").hasSize(1);
    }

    @Test
    void reconnectionsCompleteWhenTheSessionIsClosed() {
        RealtimeSession session = connect(AT_ONCE);
        StepVerifier.create(session.reconnections())
                .then(() -> session.closeGracefully().subscribe())
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(transport.connection(0).clientClose()).expectNext(new CloseStatus(1000, "client closed"))
                .expectComplete().verify(TIMEOUT);
        StepVerifier.create(session.events().then()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(session.closeStatus()).expectNext(new CloseStatus(1000, "client closed")).expectComplete().verify(TIMEOUT);
    }

    @Test
    void closeGracefullyIsIdempotent() {
        RealtimeSession session = connect(AT_ONCE);
        Mono<Void> first = session.closeGracefully();
        Mono<Void> second = session.closeGracefully();
        StepVerifier.create(second).expectComplete().verify(TIMEOUT);
        StepVerifier.create(first).expectComplete().verify(TIMEOUT);
        StepVerifier.create(transport.connection(0).clientClose()).expectNext(new CloseStatus(1000, "client closed"))
                .expectComplete().verify(TIMEOUT);
        assertThatThrownBy(() -> session.send(new ClientEvent.InputAudioBufferClear(null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ended");
        transport.settle();
        assertThat(transport.requests()).hasSize(1);
    }

    @Test
    void closeFromTheConnectionsOwnThreadNeitherBlocksNorThrows() {
        RealtimeSession session = connect(AT_ONCE);
        Mono<Void> ended = session.events().then();
        assertThat(transport.callFromAnEventHandler(session.events(), 0, session::close)).containsExactly(true, true, "returned");
        StepVerifier.create(ended).expectComplete().verify(TIMEOUT);
        StepVerifier.create(session.reconnections()).expectComplete().verify(TIMEOUT);
        transport.settle();
        assertThat(transport.requests()).as("a close is not a loss: no reconnect").hasSize(1);
        assertThat(transport.loopFailures()).isEmpty();
    }

    /** A session.created whose session expires {@code inSeconds} from now (wall clock, as the service counts). */
    static String expiringSessionCreated(String id, long inSeconds) {
        return "{\"type\":\"session.created\",\"event_id\":\"event_c\",\"session\":{\"type\":\"realtime\",\"id\":\"" + id
                + "\",\"expires_at\":" + (System.currentTimeMillis() / 1000 + inSeconds) + "}}";
    }

    @Test
    void aSessionIsRenewedBeforeItExpiresRestoredAndTheOldConnectionClosedAfterTheSwitch() {
        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        transport.onConnect(server -> server.push(expiringSessionCreated("sess_" + server.index(), 3600)));
        RealtimeSession session = connect(AT_ONCE.renewBefore(Duration.ofMinutes(10)));
        List<Reconnection> reconnections = new CopyOnWriteArrayList<>();
        session.reconnections().subscribe(reconnections::add);
        session.events().subscribe(e -> { }, e -> { }); // takes session.created, which schedules the renewal
        update(session, "keep me");
        transport.settle();

        time.advanceTimeBy(Duration.ofMinutes(49)); // not yet: 50 minutes, and a little jitter of the wall clock
        transport.settle();
        assertThat(transport.requests()).hasSize(1);
        time.advanceTimeBy(Duration.ofMinutes(2));
        InMemoryTransport.Server next = transport.connection(1);
        assertThat(next.awaitReceived("session.update").path("session").path("instructions").asText()).isEqualTo("keep me");
        StepVerifier.create(transport.connection(0).clientClose()).expectNext(new CloseStatus(1000, "client closed"))
                .expectComplete().verify(TIMEOUT);
        transport.settle();
        assertThat(reconnections).singleElement().satisfies(r -> {
            assertThat(r.planned()).isTrue();
            assertThat(r.downtime()).isZero();
        });
        session.send(new ClientEvent.InputAudioBufferClear("evt_after"));
        assertThat(next.awaitReceived("input_audio_buffer.clear").path("event_id").asText()).isEqualTo("evt_after");
    }

    @Test
    void aRenewalWaitsForTheResponseInProgressToFinish() {
        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        transport.onConnect(server -> server.push(expiringSessionCreated("sess_" + server.index(), 3600)));
        RealtimeSession session = connect(AT_ONCE.renewBefore(Duration.ofMinutes(10)));
        session.events().subscribe(e -> { }, e -> { });
        InMemoryTransport.Server first = transport.connection(0);
        first.push(InMemoryTransport.responseCreated("resp_1"));
        transport.settle();

        time.advanceTimeBy(Duration.ofMinutes(55));
        transport.settle();
        assertThat(transport.requests()).as("no renewal while a response is in progress").hasSize(1);
        first.push(InMemoryTransport.responseDone("resp_1"));
        assertThat(transport.connection(1).index()).isEqualTo(1);
        StepVerifier.create(first.clientClose()).expectNext(new CloseStatus(1000, "client closed")).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aConversationItemRestoredKeepsItsId() {
        RealtimeSession session = connect(AT_ONCE.restore(ReconnectPolicy.Restore.SESSION_AND_ITEMS));
        session.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("hi").withId("item_mine")));
        transport.connection(0).push(itemCreated("item_mine", "user", "hi"));
        transport.settle();
        transport.connection(0).drop();
        JsonNode replayed = transport.connection(1).awaitReceived("conversation.item.create");
        assertThat(replayed.path("item").path("id").asText()).isEqualTo("item_mine");
    }

    @Test
    void anErrorEventWithNoErrorObjectIsAnErrorEventNotALostConnection() {
        RealtimeSession session = connect(AT_ONCE);
        List<Reconnection> reconnections = new CopyOnWriteArrayList<>();
        session.reconnections().subscribe(reconnections::add);
        InMemoryTransport.Server server = transport.connection(0);
        StepVerifier.create(session.events().filter(e -> !(e instanceof ServerEvent.SessionCreated)).take(2))
                .then(() -> {
                    server.push("{\"type\":\"error\",\"event_id\":\"e_bare\"}");
                    server.push(InMemoryTransport.responseCreated("resp_after"));
                })
                .assertNext(e -> assertThat(e).isInstanceOfSatisfying(ServerEvent.Error.class, error -> assertThat(error.error()).isNull()))
                .assertNext(e -> assertThat(e).isInstanceOf(ServerEvent.ResponseCreated.class))
                .expectComplete()
                .verify(TIMEOUT);
        transport.settle();
        assertThat(transport.requests()).hasSize(1);
        assertThat(reconnections).isEmpty();
        update(session, "still the first connection");
        assertThat(server.awaitReceived("session.update").path("session").path("instructions").asText())
                .isEqualTo("still the first connection");
        session.close();
    }
}
