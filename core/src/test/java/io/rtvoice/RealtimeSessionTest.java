package io.rtvoice;

import static io.rtvoice.testing.InMemoryTransport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.testing.InMemoryTransport;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** A plain session ({@link RealtimeClient#connect()}) over the in-memory transport: order, ends and close. */
class RealtimeSessionTest {

    final InMemoryTransport transport = InMemoryTransport.create();

    @AfterEach
    void stop() {
        transport.close();
    }

    RealtimeSession connect() {
        return transport.client().connect().block(TIMEOUT);
    }

    static String clear(int n) {
        return "{\"type\":\"input_audio_buffer.cleared\",\"event_id\":\"event_" + n + "\"}";
    }

    @Test
    void eventsArriveInWireOrderOnTheConnectionsThread() {
        RealtimeSession session = connect();
        InMemoryTransport.Server server = transport.connection(0);
        List<Boolean> onLoop = new CopyOnWriteArrayList<>();
        StepVerifier.create(session.events().doOnNext(e -> onLoop.add(transport.isLoop(Thread.currentThread())))
                        .map(ServerEvent::eventId).take(1000))
                .then(() -> IntStream.range(0, 1000).forEach(i -> server.push(clear(i))))
                .expectNextSequence(IntStream.range(0, 1000).mapToObj(i -> "event_" + i).toList())
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(onLoop).hasSize(1000).containsOnly(true);
    }

    @Test
    void eventsBeforeTheFirstSubscriberAreKeptForIt() {
        RealtimeSession session = connect();
        transport.connection(0).push(InMemoryTransport.sessionCreated("sess_early"));
        transport.settle();
        StepVerifier.create(session.events().take(1))
                .assertNext(e -> assertThat(((ServerEvent.SessionCreated) e).session().id()).isEqualTo("sess_early"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    /**
     * An error event and a close before anyone subscribed (a server refusing a key at once): the first
     * subscriber still gets the event that says why, then the end. (Reactor's multicast buffer drops what
     * it holds when it fails with no subscriber: EchoedSecretTest lost the error event under load.)
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void eventsBeforeTheFirstSubscriberAreKeptForItWhenTheSessionFailsBeforeItCame(boolean reconnecting) {
        RealtimeSession session = reconnecting ? transport.client().connect(ReconnectPolicy.withBackoff()).block(TIMEOUT) : connect();
        transport.connection(0).push(InMemoryTransport.error("invalid_api_key", null));
        transport.connection(0).close(1008, "bad key");
        transport.settle();
        session.closeStatus().block(TIMEOUT);
        for (int subscriber = 0; subscriber < 2; subscriber++) {
            StepVerifier.Step<ServerEvent> first = StepVerifier.create(session.events());
            if (subscriber == 0) { // later subscribers get the end alone, as with any multicast stream
                first = first.assertNext(e -> assertThat(((ServerEvent.Error) e).error().code()).isEqualTo("invalid_api_key"));
            }
            first.expectErrorSatisfies(e -> assertThat(((SessionEndedException) e).closeStatus().code()).isEqualTo(1008)).verify(TIMEOUT);
        }
    }

    @Test
    void everySubscriberSeesEveryEventInTheSameOrder() {
        RealtimeSession session = connect();
        InMemoryTransport.Server server = transport.connection(0);
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        session.events().subscribe(e -> first.add(e.eventId()), e -> { });
        session.events().subscribe(e -> second.add(e.eventId()), e -> { });
        IntStream.range(0, 200).forEach(i -> server.push(clear(i)));
        transport.settle();
        assertThat(first).hasSize(200).isEqualTo(second);
    }

    @Test
    void sendsReachTheServerInOrderAsJson() {
        RealtimeSession session = connect();
        session.send(new ClientEvent.ConversationItemCreate("evt_1", null, Item.userText("hello")));
        session.send(new ClientEvent.ResponseCreate("evt_2", null));
        InMemoryTransport.Server server = transport.connection(0);
        StepVerifier.create(server.received().take(2))
                .assertNext(n -> {
                    assertThat(n.path("type").asText()).isEqualTo("conversation.item.create");
                    assertThat(n.path("item").path("content").path(0).path("text").asText()).isEqualTo("hello");
                })
                .assertNext(n -> assertThat(n.path("event_id").asText()).isEqualTo("evt_2"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aFrameThatCannotBeDecodedIsCountedAndTheSessionGoesOn() {
        RealtimeSession session = connect();
        InMemoryTransport.Server server = transport.connection(0);
        StepVerifier.create(session.events().take(1))
                .then(() -> {
                    server.push("{not json");
                    server.push(clear(1));
                })
                .assertNext(e -> assertThat(e.eventId()).isEqualTo("event_1"))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(session.undecodableFrames()).isEqualTo(1);
    }

    @Test
    void closeGracefullyWritesEverySendBeforeItsCloseFrameAndCompletesTheEvents() {
        RealtimeSession session = connect();
        InMemoryTransport.Server server = transport.connection(0);
        Mono<Void> ended = session.events().then();
        for (int i = 0; i < 500; i++) {
            session.send(new ClientEvent.InputAudioBufferClear("evt_" + i));
        }
        StepVerifier.create(session.closeGracefully()).expectComplete().verify(TIMEOUT);
        assertThat(server.receivedTypes()).hasSize(500);
        StepVerifier.create(server.clientClose()).expectNext(new CloseStatus(1000, "client closed")).expectComplete().verify(TIMEOUT);
        StepVerifier.create(ended).expectComplete().verify(TIMEOUT);
        StepVerifier.create(session.closeStatus()).expectNext(new CloseStatus(1000, "client closed")).expectComplete().verify(TIMEOUT);
    }

    @Test
    void eventsTheServerSentBeforeTheCloseAreStillDelivered() {
        RealtimeSession session = connect();
        InMemoryTransport.Server server = transport.connection(0);
        List<String> seen = new CopyOnWriteArrayList<>();
        Mono<Void> ended = session.events().doOnNext(e -> seen.add(e.eventId())).then();
        server.push(clear(1));
        server.push(clear(2));
        StepVerifier.create(session.closeGracefully().then(ended)).expectComplete().verify(TIMEOUT);
        assertThat(seen).containsExactly("event_1", "event_2");
    }

    @Test
    void sendsAfterCloseAreRefused() {
        RealtimeSession session = connect();
        session.closeGracefully(); // refused from the call on, before the close is even subscribed to
        assertThatThrownBy(() -> session.send(new ClientEvent.InputAudioBufferClear(null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ended").hasMessageContaining("input_audio_buffer.clear");
    }

    @Test
    void closeGracefullyIsIdempotentAndAnyCallClosesTheConnection() {
        RealtimeSession session = connect();
        InMemoryTransport.Server server = transport.connection(0);
        List<String> seen = new CopyOnWriteArrayList<>();
        Mono<Void> ended = session.events().doOnNext(e -> seen.add(e.eventId())).then();
        Mono<Void> first = session.closeGracefully();
        Mono<Void> second = session.closeGracefully(); // the caller of the second never subscribed to the first
        server.push(clear(1)); // still delivered: the connection is open until the close handshake

        StepVerifier.create(second).expectComplete().verify(TIMEOUT);
        StepVerifier.create(server.clientClose()).expectNext(new CloseStatus(1000, "client closed")).expectComplete().verify(TIMEOUT);
        StepVerifier.create(ended).expectComplete().verify(TIMEOUT);
        assertThat(seen).containsExactly("event_1");
        StepVerifier.create(first).expectComplete().verify(TIMEOUT);
        StepVerifier.create(session.closeGracefully()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aServerCloseEndsTheEventsWithSessionEndedExceptionCarryingItsCodeAndReason() {
        RealtimeSession session = connect();
        InMemoryTransport.Server server = transport.connection(0);
        StepVerifier.create(session.events())
                .then(() -> {
                    server.push(InMemoryTransport.error("session_expired", null));
                    server.close(1001, "session_expired");
                })
                .expectNextMatches(ServerEvent.Error.class::isInstance)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(SessionEndedException.class).hasMessageContaining("1001 session_expired");
                    assertThat(((SessionEndedException) e).closeStatus()).isEqualTo(new CloseStatus(1001, "session_expired"));
                })
                .verify(TIMEOUT);
        StepVerifier.create(session.closeStatus()).expectNext(new CloseStatus(1001, "session_expired")).expectComplete().verify(TIMEOUT);
        assertThatThrownBy(() -> session.send(new ClientEvent.InputAudioBufferClear(null))).isInstanceOf(IllegalStateException.class);
        // A subscriber after the end gets the end, not silence.
        StepVerifier.create(session.events()).expectError(SessionEndedException.class).verify(TIMEOUT);
        StepVerifier.create(session.closeGracefully()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void aDroppedConnectionEndsTheEventsWith1006AndTheTransportsFailure() {
        RealtimeSession session = connect();
        StepVerifier.create(session.events())
                .then(() -> transport.connection(0).drop())
                .expectErrorSatisfies(e -> {
                    assertThat(((SessionEndedException) e).closeStatus().code()).isEqualTo(1006);
                    assertThat(e.getCause()).isInstanceOf(TransportException.class);
                })
                .verify(TIMEOUT);
    }

    @Test
    void aRefusedConnectIsATransportExceptionWithItsStatus() {
        transport.refuseNext(401);
        StepVerifier.create(transport.client().connect())
                .expectErrorSatisfies(e -> assertThat(((TransportException) e).httpStatus()).isEqualTo(401))
                .verify(TIMEOUT);
    }

    @Test
    void aPlainSessionsReconnectionsCompleteEmpty() {
        StepVerifier.create(connect().reconnections()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void closeFromTheConnectionsOwnThreadNeitherBlocksNorThrows() {
        RealtimeSession session = connect();
        Mono<Void> ended = session.events().then();
        assertThat(transport.callFromAnEventHandler(session.events(), 0, session::close)).containsExactly(true, true, "returned");
        StepVerifier.create(ended).expectComplete().verify(TIMEOUT);
        StepVerifier.create(transport.connection(0).clientClose()).expectNext(new CloseStatus(1000, "client closed"))
                .expectComplete().verify(TIMEOUT);
        assertThat(transport.loopFailures()).isEmpty();
    }

    /** The contract of events() holds for a session that reconnects as for a plain one. */
    @ParameterizedTest
    @ValueSource(strings = {"plain", "reconnecting"})
    void aSlowSubscriberIsCutOffWithTheEventsItsBufferHeldWithoutHoldingBackTheOthers(String kind) {
        RealtimeClient client = transport.clientBuilder().subscriberBuffer(16, SlowSubscriberPolicy.FAIL).build();
        RealtimeSession session = (kind.equals("plain") ? client.connect()
                : client.connect(ReconnectPolicy.withBackoff().delays(Duration.ZERO, Duration.ZERO))).block(TIMEOUT);
        List<String> fast = new CopyOnWriteArrayList<>();
        session.events().subscribe(e -> fast.add(e.eventId()));
        List<Object> slow = new CopyOnWriteArrayList<>();
        BaseSubscriber<ServerEvent> stalled = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                request(1);
            }

            @Override
            protected void hookOnNext(ServerEvent event) {
                slow.add(event.eventId());
            }

            @Override
            protected void hookOnError(Throwable error) {
                slow.add(error);
            }
        };
        session.events().subscribe(stalled);
        InMemoryTransport.Server server = transport.connection(0);
        IntStream.range(0, 100).forEach(i -> server.push(clear(i)));
        transport.settle();

        assertThat(fast).hasSize(100);
        assertThat(slow).containsExactly("event_0");
        stalled.request(Long.MAX_VALUE);
        assertThat(slow).hasSize(1 + 16 + 1).startsWith(IntStream.range(0, 17).mapToObj(i -> "event_" + i).toArray());
        assertThat(slow.get(17)).isInstanceOf(SlowSubscriberException.class);
        session.send(new ClientEvent.InputAudioBufferClear(null)); // the session goes on
    }

    @Test
    void aFullSendQueueOnTheConnectionsThreadFailsAtOnceInsteadOfWaiting() {
        RealtimeSession session = transport.clientBuilder().sendQueueCapacity(4).build().connect().block(TIMEOUT);
        List<Object> outcomes = new ArrayList<>();
        List<Boolean> onLoop = new ArrayList<>();
        Mono<Void> done = session.events().take(1).doOnNext(e -> {
            onLoop.add(transport.isLoop(Thread.currentThread()));
            // The writer runs on this very thread: while we hold it, nothing is written.
            for (int i = 0; i < 10; i++) {
                try {
                    session.send(new ClientEvent.InputAudioBufferClear(null));
                    outcomes.add("sent");
                } catch (SendQueueFullException full) {
                    outcomes.add("full");
                }
            }
        }).then();
        StepVerifier.create(done).then(() -> transport.connection(0).push(clear(1))).expectComplete().verify(TIMEOUT);
        assertThat(onLoop).containsExactly(true);
        assertThat(outcomes).hasSize(10).startsWith("sent", "sent", "sent", "sent").endsWith("full");
    }
}
