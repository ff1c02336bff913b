package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.ReconnectPolicy;
import io.rtvoice.Reconnection;
import io.rtvoice.SessionEndedException;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.conversation.ConversationResponse;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.Response;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * The emulator's hostile faults (what {@code soak --hostile} draws from), each met by the client over a
 * real socket with its documented outcome.
 */
class HostileEmulatorTest {

    static final String KEY = "sk-hostile-emulator-test-7f3a";
    static final Duration BOUND = Duration.ofSeconds(10);
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0));

    static RealtimeClient client(String faults) {
        return RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=m&rtvoice_fault=" + faults), Dialect.GA))
                .credentials(Credentials.apiKey(KEY)).build();
    }

    static Response turn(Conversation conversation) {
        conversation.addUserText("say something");
        return conversation.respond().flatMap(ConversationResponse::done).block(BOUND);
    }

    @Test
    void aServerThatEnforcesPingPongKeepsTheClientConnected() {
        long timeoutsBefore = emulator.emulator().pingTimeouts();
        long pongsBefore = emulator.emulator().pongsReceived();
        try (Conversation conversation = Conversation.over(client("ping_every_ms:200").connect().block(BOUND))) {
            // Turns until the server has had ten pongs: every one of its pings was answered in time, or it would have closed.
            // Bounded by time, not by a count of turns: at pace 0 a quiet machine runs 500 turns in under 2 s,
            // fewer than ten pings apart.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && emulator.emulator().pongsReceived() - pongsBefore < 10) {
                assertThat(turn(conversation).status()).isEqualTo("completed");
            }
            assertThat(emulator.emulator().pongsReceived() - pongsBefore).isGreaterThanOrEqualTo(10);
            assertThat(conversation.session().closeStatus().toFuture()).isNotDone();
        }
        assertThat(emulator.emulator().pingTimeouts()).isEqualTo(timeoutsBefore);
    }

    /**
     * The pings queue behind the flood's 5.5 MB at the server, so they arrive only once the client has read
     * it all: a client must read on while its subscribers work (at 100 ms apart on a loaded machine, pongs
     * came too late: the interval here is a server's that is strict, not one that is unreasonable).
     */
    @Test
    void pongsAreAnsweredInTimeThroughAFloodOfLargeDeltas() {
        long timeoutsBefore = emulator.emulator().pingTimeouts();
        long pongsBefore = emulator.emulator().pongsReceived();
        try (Conversation conversation = Conversation.over(client("flood_after:2,ping_every_ms:1000").connect().block(BOUND))) {
            for (int i = 0; i < 2_000 && emulator.emulator().pongsReceived() - pongsBefore < 3; i++) {
                assertThat(turn(conversation).status()).isEqualTo("completed");
            }
            assertThat(emulator.emulator().pongsReceived() - pongsBefore).isGreaterThanOrEqualTo(3);
        }
        assertThat(emulator.emulator().pingTimeouts()).isEqualTo(timeoutsBefore);
    }

    /** The fault itself, so the test above could fail: a client that swallows pings is closed 1011. */
    @Test
    void aClientThatDoesNotAnswerPingsIsClosedWith1011() {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpClient.create().headers(h -> h.set("Authorization", "Bearer " + KEY))
                .websocket(WebsocketClientSpec.builder().protocols("realtime").handlePing(true).build())
                .uri(emulator.uri("/v1/realtime?model=m&rtvoice_fault=ping_every_ms:20").toString())
                .handle((in, out) -> in.receiveFrames().doOnNext(f -> seen.add(f.getClass().getSimpleName()))
                        .then(in.receiveCloseStatus().doOnNext(s -> seen.add("close " + s.code() + " " + s.reasonText())).then()))
                .then().block(BOUND);
        assertThat(seen).contains(PingWebSocketFrame.class.getSimpleName()).contains("close 1011 keepalive ping timeout");
    }

    @Test
    void aKeyEchoedInAnErrorEventAndCloseReasonIsRedactedEverywhere() {
        RealtimeSession session = client("echo_key_after:1").connect().block(BOUND);
        // The fault follows the first event: GA sends session.created alone until the client speaks.
        session.send(new io.rtvoice.event.ClientEvent.InputAudioBufferClear(null));
        List<ServerEvent> seen = new CopyOnWriteArrayList<>();
        Throwable ended = catchThrowable(() -> session.events().doOnNext(seen::add).blockLast(BOUND));
        ServerEvent.Error error = seen.stream().filter(ServerEvent.Error.class::isInstance).map(ServerEvent.Error.class::cast)
                .findFirst().orElseThrow();
        assertThat(error.error().code()).isEqualTo("invalid_api_key");
        assertThat(error.error().message()).contains("Incorrect API key provided").doesNotContain(KEY);
        var status = session.closeStatus().block(BOUND);
        assertThat(status.code()).isEqualTo(1008);
        assertThat(status.reason()).doesNotContain(KEY);
        assertThat(ended).isInstanceOf(SessionEndedException.class);
        assertThat(ended.getMessage()).doesNotContain(KEY);
        assertThat(String.valueOf(status)).doesNotContain(KEY);
    }

    @Test
    void aKeyEchoedInTheStatusLineIsRedactedFromTheException() {
        TransportException refused = catchThrowableOfType(TransportException.class,
                () -> client("refuse_echoing_key").connect().block(BOUND));
        assertThat(refused.httpStatus()).isEqualTo(401);
        assertThat(refused).hasMessageContaining("401").hasMessageNotContaining(KEY);
        assertThat(refused.toString()).doesNotContain(KEY);
    }

    @Test
    void unusableEventsAreSkippedAndCountedAndTheTurnCompletes() {
        try (Conversation conversation = Conversation.over(client("invalid_events_after:1").connect().block(BOUND))) {
            // The burst comes just before the second event, and GA sends session.created alone: one is asked for, so
            // that the burst arrives between turns, as it did when conversation.created followed on connect.
            var cleared = conversation.session().events().ofType(ServerEvent.InputAudioBufferCleared.class).next().toFuture();
            conversation.session().send(new io.rtvoice.event.ClientEvent.InputAudioBufferClear(null));
            reactor.core.publisher.Mono.fromFuture(cleared).block(BOUND);
            assertThat(turn(conversation).status()).isEqualTo("completed");
            // Not JSON objects, too deep, wrong types: undecodable frames; decodable but incomplete: skipped.
            assertThat(conversation.session().undecodableFrames()).isGreaterThanOrEqualTo(3);
            assertThat(conversation.skippedEvents()).isGreaterThanOrEqualTo(2);
            assertThat(turn(conversation).status()).isEqualTo("completed");
            assertThat(conversation.session().closeStatus().toFuture()).isNotDone();
        }
    }

    @Test
    void aFloodOfLargeDeltasForAnUnknownItemLeavesTheConversationWorking() {
        RealtimeSession session = client("flood_after:1").connect().block(BOUND);
        // The first subscriber is handed what arrived before it: the flood included.
        var flood = session.events().ofType(ServerEvent.ResponseOutputAudioDelta.class).filter(d -> d.itemId().equals("item_flood"))
                .take(16).map(d -> (long) d.delta().length).reduce(0L, Long::sum).toFuture();
        try (Conversation conversation = Conversation.over(session)) {
            assertThat(turn(conversation).status()).isEqualTo("completed");
            assertThat(flood.join()).isEqualTo(16L * 256 * 1024);
            assertThat(turn(conversation).status()).isEqualTo("completed");
        }
    }

    @Test
    void aFrameCutOffHalfwayIsALostConnectionThatAReconnectingSessionHeals() {
        RealtimeSession session = client("truncate_after:1").connect(ReconnectPolicy.withBackoff()
                .delays(Duration.ofMillis(10), Duration.ofMillis(100))).block(BOUND);
        // The fault follows the first event: GA sends session.created alone until the client speaks.
        session.send(new io.rtvoice.event.ClientEvent.InputAudioBufferClear(null));
        try (Conversation conversation = Conversation.over(session)) {
            Reconnection healed = session.reconnections().blockFirst(BOUND);
            assertThat(healed.cause()).doesNotContain(KEY);
            assertThat(healed.planned()).isFalse();
        }
    }

    @Test
    void aFrameCutOffHalfwayEndsAPlainSessionAs1006() {
        RealtimeSession session = client("truncate_after:1").connect().block(BOUND);
        // The fault follows the first event: GA sends session.created alone until the client speaks.
        session.send(new io.rtvoice.event.ClientEvent.InputAudioBufferClear(null));
        SessionEndedException ended = catchThrowableOfType(SessionEndedException.class, () -> session.events().blockLast(BOUND));
        assertThat(ended.closeStatus().code()).isEqualTo(1006);
    }
}
