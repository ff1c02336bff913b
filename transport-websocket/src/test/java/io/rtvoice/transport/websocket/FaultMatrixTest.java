package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.SessionEndedException;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.transport.TransportException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault matrix of docs/failures.md, row by row, over real sockets: what the user sees for each fault, within
 * a bounded time, with every subscriber told. (Server silence: {@link KeepAliveTest}; TLS failures:
 * {@link TlsTest}; slow subscribers: {@link SlowSubscriberTest}; 401 and oversized frames:
 * {@link ClientOverWebSocketTest}.)
 */
class FaultMatrixTest {

    static final String KEY = "sk-fault-matrix-test-42";
    static final Duration BOUND = Duration.ofSeconds(10);
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0));

    static RealtimeClient client(String faults) {
        String query = faults == null ? "" : "&rtvoice_fault=" + faults;
        return RealtimeClient.builder().endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=m" + query), Dialect.GA))
                .credentials(Credentials.apiKey(KEY)).build();
    }

    static void askForSpeech(RealtimeSession session) {
        session.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("tell me something")));
        session.send(new ClientEvent.ResponseCreate(null, null));
    }

    @Test
    void aConnectionDroppedMidResponseEndsTheSessionForEverySubscriber() {
        RealtimeSession session = client("close_after:9").connect().block(BOUND);
        List<ServerEvent> first = new CopyOnWriteArrayList<>();
        var one = session.events().doOnNext(first::add).then().toFuture();
        var two = session.events().then().toFuture();
        askForSpeech(session);

        for (var subscriber : List.of(one, two)) {
            SessionEndedException ended = catchThrowableOfType(SessionEndedException.class,
                    () -> reactor.core.publisher.Mono.fromFuture(subscriber).block(BOUND));
            assertThat(ended.closeStatus().code()).isEqualTo(1006);
        }
        assertThat(first).anyMatch(ServerEvent.ResponseCreated.class::isInstance).noneMatch(ServerEvent.ResponseDone.class::isInstance);
        assertThat(session.closeStatus().block(BOUND).code()).isEqualTo(1006);
        assertThatThrownBy(() -> session.send(new ClientEvent.InputAudioBufferClear(null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ended");
    }

    @Test
    void sessionExpiryIsTheServersErrorThenClose1001() {
        RealtimeSession session = client("expire_after_ms:300").connect().block(BOUND);
        List<ServerEvent> seen = new CopyOnWriteArrayList<>();
        SessionEndedException ended = catchThrowableOfType(SessionEndedException.class,
                () -> session.events().doOnNext(seen::add).blockLast(BOUND));
        assertThat(ended.closeStatus().code()).isEqualTo(1001);
        assertThat(seen).filteredOn(ServerEvent.Error.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((ServerEvent.Error) e).error().code()).isEqualTo("session_expired"));
    }

    @Test
    void http403OnConnectIsATransportExceptionWithTheStatusAndNoKey() throws Exception {
        HttpServer forbidding = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        forbidding.createContext("/", exchange -> {
            byte[] body = "{\"error\":{\"code\":\"403\",\"message\":\"forbidden\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        forbidding.start();
        try {
            URI uri = URI.create("ws://127.0.0.1:" + forbidding.getAddress().getPort() + "/v1/realtime?model=m");
            RealtimeClient client = RealtimeClient.builder().endpoint(Endpoint.custom(uri, Dialect.GA))
                    .credentials(Credentials.apiKey(KEY)).build();
            TransportException refused = catchThrowableOfType(TransportException.class, () -> client.connect().block(BOUND));
            assertThat(refused.httpStatus()).isEqualTo(403);
            assertThat(refused).hasMessageContaining("403").hasMessageNotContaining(KEY);
        } finally {
            forbidding.stop(0);
        }
    }

    @Test
    void aRefusedConnectionIsATransportExceptionWithItsCause() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort(); // closed again: nothing listens there now
        }
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(URI.create("ws://127.0.0.1:" + closedPort + "/v1/realtime"), Dialect.GA))
                .credentials(Credentials.apiKey(KEY)).connectTimeout(Duration.ofSeconds(3)).build();
        TransportException failed = catchThrowableOfType(TransportException.class, () -> client.connect().block(BOUND));
        assertThat(failed).hasMessageContaining("127.0.0.1:" + closedPort).hasMessageNotContaining(KEY);
        assertThat(failed).hasRootCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void aMalformedFrameIsCountedAndTheSessionGoesOn() {
        try (RealtimeSession session = client("malformed_after:3").connect().block(BOUND)) {
            var done = session.events().ofType(ServerEvent.ResponseDone.class).next().toFuture();
            askForSpeech(session);
            assertThat(done.join().response().status()).isEqualTo("completed");
            assertThat(session.undecodableFrames()).isEqualTo(1);
        }
    }

    /** A server newer than this client: an event type it does not know arrives as Unknown, with its JSON. */
    @Test
    void anUnknownEventTypeArrivesAsUnknownWithItsJsonAndTheSessionGoesOn() {
        String future = "{\"type\":\"response.hologram.delta\",\"event_id\":\"evt_1\",\"frames\":[1,2]}";
        String known = "{\"type\":\"input_audio_buffer.cleared\",\"event_id\":\"evt_2\"}";
        reactor.netty.DisposableServer server = reactor.netty.http.server.HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.ws("/v1/realtime", (in, out) ->
                        out.sendString(reactor.core.publisher.Flux.just(future, known)).then().then(in.receive().then()),
                        reactor.netty.http.server.WebsocketServerSpec.builder().protocols("realtime").build()))
                .bindNow();
        try {
            RealtimeClient client = RealtimeClient.builder()
                    .endpoint(Endpoint.custom(URI.create("ws://127.0.0.1:" + server.port() + "/v1/realtime"), Dialect.GA))
                    .credentials(Credentials.apiKey(KEY)).build();
            try (RealtimeSession session = client.connect().block(BOUND)) {
                List<ServerEvent> two = session.events().take(2).collectList().block(BOUND);
                assertThat(two.get(0)).isInstanceOfSatisfying(ServerEvent.Unknown.class, u -> {
                    assertThat(u.type()).isEqualTo("response.hologram.delta");
                    assertThat(u.json()).contains("\"frames\":[1,2]");
                });
                assertThat(two.get(1)).isInstanceOf(ServerEvent.InputAudioBufferCleared.class);
                assertThat(session.undecodableFrames()).isZero();
            }
        } finally {
            server.disposeNow();
        }
    }

    @Test
    void invalidBase64AudioIsCountedPerFrameAndTheResponseStillCompletes() {
        try (RealtimeSession session = client("bad_base64").connect().block(BOUND)) {
            List<ServerEvent> seen = new CopyOnWriteArrayList<>();
            var done = session.events().doOnNext(seen::add).ofType(ServerEvent.ResponseDone.class).next().toFuture();
            askForSpeech(session);
            assertThat(done.join().response().status()).isEqualTo("completed");
            assertThat(seen).noneMatch(ServerEvent.ResponseOutputAudioDelta.class::isInstance);
            assertThat(session.undecodableFrames()).isPositive();
        }
    }

    @Test
    void serviceErrorsAreTypedEventsAndTheSessionStaysUsable() {
        try (RealtimeSession session = client("error_after:2").connect().block(BOUND)) {
            var errors = session.events().ofType(ServerEvent.Error.class).take(3).collectList().toFuture();
            var done = session.events().ofType(ServerEvent.ResponseDone.class).next().toFuture();
            askForSpeech(session);                                   // the emulator's server_error comes early in it
            session.send(new ClientEvent.ResponseCreate(null, null)); // a second response while one is active
            ServerEvent.ResponseDone first = done.join();
            assertThat(first.response().status()).isEqualTo("completed");
            String assistantItem = first.response().output().get(0).id();
            session.send(new ClientEvent.ConversationItemTruncate(null, assistantItem, 0, 600_000)); // beyond its audio

            List<ServerEvent.Error> refused = errors.join();
            assertThat(refused).extracting(e -> e.error().type()).containsExactly("server_error", "invalid_request_error",
                    "invalid_request_error");
            assertThat(refused.get(1).error().code()).isEqualTo("conversation_already_has_active_response");
            assertThat(refused.get(2).error().message()).matches("Audio content of \\d+ms is already shorter than 600000ms");
            session.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().instructions("still usable").build()));
            assertThat(session.events().ofType(ServerEvent.SessionUpdated.class).blockFirst(BOUND)).isNotNull();
        }
    }

    /**
     * 8 threads send 4,000 items while another closes the session: each send either returns or throws
     * IllegalStateException; every send that returned is delivered, in its thread's order, before the close.
     * (10,000 sends from 8 threads without a close: {@link ClientOverWebSocketTest}.)
     */
    @Test
    void sendsFromEightThreadsWhileClosing(RealtimeClient client) throws Exception {
        int threads = 8;
        int perThread = 500;
        RealtimeSession session = client.connect().block(BOUND);
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        var ended = session.events().doOnNext(e -> {
            if (e instanceof ServerEvent.ConversationItemAdded a) {
                acknowledged.add(a.item().id());
            }
        }).then().toFuture();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean closeCalled = new java.util.concurrent.atomic.AtomicBoolean();
        List<Future<Integer>> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            senders.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    if (i == perThread / 2) {
                        // Half-way, wait for the close to begin: on a fast machine the sends would all be in first.
                        while (!closeCalled.get()) {
                            Thread.onSpinWait();
                        }
                    }
                    try {
                        session.send(new ClientEvent.ConversationItemCreate(null, null,
                                Item.userText("x").withId(String.format("item_t%d_%05d", thread, i))));
                        sent.incrementAndGet();
                    } catch (IllegalStateException closed) {
                        assertThat(closed).hasMessageContaining("ended");
                        return i; // this one and all after it were refused
                    }
                }
                return perThread;
            }));
        }
        pool.submit(() -> {
            while (sent.get() < threads * perThread / 4) { // close in the middle of the sending
                Thread.onSpinWait();
            }
            reactor.core.publisher.Mono<Void> closing = session.closeGracefully(); // sends are refused from here on
            closeCalled.set(true);
            closing.block(BOUND);
            return null;
        }).get(60, TimeUnit.SECONDS);
        Map<Integer, Integer> accepted = new HashMap<>();
        for (int t = 0; t < threads; t++) {
            accepted.put(t, senders.get(t).get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        ended.get(20, TimeUnit.SECONDS); // completes: the client closed

        Map<Integer, Integer> next = new HashMap<>();
        for (String id : acknowledged) {
            int thread = id.charAt(6) - '0';
            int seq = Integer.parseInt(id.substring(8));
            assertThat(seq).as("thread %d order", thread).isEqualTo(next.getOrDefault(thread, 0));
            next.put(thread, seq + 1);
        }
        for (int t = 0; t < threads; t++) {
            assertThat(next.getOrDefault(t, 0)).as("thread %d: every accepted send delivered", t).isEqualTo(accepted.get(t));
        }
        assertThat(accepted.values().stream().mapToInt(Integer::intValue).sum()).isLessThan(threads * perThread);
    }
}
