package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.EntraIdCredentials;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import java.time.OffsetDateTime;
import reactor.core.publisher.Mono;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.SessionEndedException;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.SyntheticVoice;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ResponseParams;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.transport.TransportException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client on the WebSocket transport against the emulator, over loopback. */
class ClientOverWebSocketTest {

    static final String KEY = "sk-transport-test-0123456789";
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0));

    static Endpoint endpoint(String shape) {
        URI base = emulator.uri();
        URI http = URI.create("http://127.0.0.1:" + emulator.port());
        return switch (shape) {
            case "ga" -> Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA);
            case "azure" -> Endpoint.azure(http, "my-deployment");
            case "azure-preview" -> Endpoint.azurePreview(http, "my-deployment", "2024-10-01-preview");
            default -> throw new IllegalArgumentException(shape + " " + base);
        };
    }

    static RealtimeClient client(Endpoint endpoint, String key) {
        return RealtimeClient.builder().endpoint(endpoint).credentials(Credentials.apiKey(key)).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ga", "azure", "azure-preview"})
    void textInAudioOutEndToEnd(String shape) {
        RealtimeClient client = client(endpoint(shape), KEY);
        List<ServerEvent> received = client.connect().flatMapMany(session -> {
            session.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("Hello")));
            session.send(new ClientEvent.ResponseCreate(null, ResponseParams.builder().instructions("Please assist the user.").build()));
            return session.events().takeUntil(e -> e instanceof ServerEvent.ResponseDone)
                    .doFinally(s -> session.closeGracefully().subscribe());
        }).collectList().block(TIMEOUT);

        assertThat(received.get(0)).isInstanceOf(ServerEvent.SessionCreated.class);
        StringBuilder transcript = new StringBuilder();
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        for (ServerEvent e : received) {
            if (e instanceof ServerEvent.ResponseOutputAudioTranscriptDelta d) {
                transcript.append(d.delta());
            } else if (e instanceof ServerEvent.ResponseOutputAudioDelta d) {
                audio.writeBytes(d.delta());
            }
        }
        assertThat(transcript.toString()).isEqualTo("You said: Hello.");
        assertThat(SyntheticVoice.hear(audio.toByteArray(), 24_000)).containsExactlyElementsOf(SyntheticVoice.expectedFrequencies("You said: Hello."));
        assertThat(received.get(received.size() - 1)).isInstanceOf(ServerEvent.ResponseDone.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"azure", "azure-preview"})
    void anEntraIdTokenAuthenticatesOnAzure(String shape) {
        List<String> scopes = new java.util.concurrent.CopyOnWriteArrayList<>();
        TokenCredential entra = request -> {
            scopes.addAll(request.getScopes());
            return Mono.just(new AccessToken(KEY, OffsetDateTime.now().plusHours(1))); // the emulator takes its key as the token
        };
        RealtimeClient client = RealtimeClient.builder().endpoint(endpoint(shape)).credentials(EntraIdCredentials.of(entra)).build();
        ServerEvent first = client.connect().flatMapMany(session -> session.events().take(1)
                .doFinally(s -> session.closeGracefully().subscribe())).blockFirst(TIMEOUT);
        assertThat(first).isInstanceOf(ServerEvent.SessionCreated.class);
        assertThat(scopes).containsExactly(EntraIdCredentials.COGNITIVE_SERVICES_SCOPE);
    }

    @Test
    void wrongKeyIs401AndTheMessageHoldsNoKey() {
        TransportException e = catchThrowableOfType(TransportException.class,
                () -> client(endpoint("ga"), "sk-wrong-secret-key").connect().block(TIMEOUT));
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage()).contains("401").doesNotContain("sk-wrong-secret-key").doesNotContain(KEY);
        assertThat(client(endpoint("ga"), "sk-wrong-secret-key").toString()).doesNotContain("sk-wrong-secret-key");
    }

    @Test
    void tenThousandSendsFromEightThreadsArriveCompleteAndInPerThreadOrder(RealtimeClient client) throws Exception {
        int threads = 8;
        int perThread = 1250;
        try (RealtimeSession session = client.connect().block(TIMEOUT)) {
            List<String> added = new ArrayList<>();
            CountDownLatch all = new CountDownLatch(threads * perThread);
            session.events().subscribe(e -> {
                if (e instanceof ServerEvent.ConversationItemAdded a) {
                    synchronized (added) {
                        added.add(a.item().id());
                    }
                    all.countDown();
                }
            });
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<java.util.concurrent.Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        session.send(new ClientEvent.ConversationItemCreate(null, null,
                                Item.userText("x").withId(String.format("item_t%d_%05d", thread, i))));
                    }
                }));
            }
            pool.shutdown();
            for (var sender : senders) {
                sender.get(60, TimeUnit.SECONDS); // a send that threw fails the test here, with its exception
            }
            assertThat(all.await(60, TimeUnit.SECONDS)).as("all %d items acknowledged", threads * perThread).isTrue();
            Map<Integer, Integer> next = new HashMap<>();
            for (String id : added) {
                int thread = id.charAt(6) - '0';
                int seq = Integer.parseInt(id.substring(8));
                assertThat(seq).as("thread %d order", thread).isEqualTo(next.getOrDefault(thread, 0));
                next.put(thread, seq + 1);
            }
            assertThat(added).hasSize(threads * perThread);
        }
    }

    @Test
    void serverCloseEndsEventsWithTheCodeAndReason() {
        Endpoint expiring = Endpoint.custom(emulator.uri("/v1/realtime?model=m&rtvoice_fault=expire_after_ms:200"), Dialect.GA);
        SessionEndedException ended = catchThrowableOfType(SessionEndedException.class,
                () -> client(expiring, KEY).connect().flatMapMany(RealtimeSession::events).blockLast(TIMEOUT));
        assertThat(ended.closeStatus().code()).isEqualTo(1001);
        assertThat(ended.closeStatus().reason()).isEqualTo("session_expired");
    }

    @Test
    void plainWebSocketToANonLoopbackHostIsRefused() {
        TransportException e = catchThrowableOfType(TransportException.class, () -> WebSocketTransport.create()
                .connect(new io.rtvoice.transport.TransportRequest(URI.create("ws://example.com/v1/realtime"), Map.of(), List.of(),
                        1 << 20, Duration.ofSeconds(1))).block(TIMEOUT));
        assertThat(e.getMessage()).contains("refusing unencrypted ws://");
    }

    @Test
    void twoThousandAudioDeltasArriveInWireOrder() {
        String text = String.join(" ", java.util.Collections.nCopies(68, "word"));
        try (RealtimeEmulator fine = RealtimeEmulator.builder().apiKey(KEY).pace(0).deltaMs(5).start()) {
            RealtimeClient client = client(Endpoint.custom(fine.uri("/v1/realtime?model=m"), Dialect.GA), KEY);
            ByteArrayOutputStream audio = new ByteArrayOutputStream();
            long deltas = client.connect().flatMapMany(session -> {
                session.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText(text.substring(10))));
                session.send(new ClientEvent.ResponseCreate(null, null));
                return session.events().takeUntil(e -> e instanceof ServerEvent.ResponseDone)
                        .doFinally(s -> session.closeGracefully().subscribe());
            }).filter(ServerEvent.ResponseOutputAudioDelta.class::isInstance)
                    .doOnNext(e -> audio.writeBytes(((ServerEvent.ResponseOutputAudioDelta) e).delta()))
                    .count().block(TIMEOUT);

            String reply = "You said: " + text.substring(10) + ".";
            assertThat(deltas).isGreaterThanOrEqualTo(2000);
            assertThat(audio.toByteArray()).isEqualTo(SyntheticVoice.speak(reply));
        }
    }

    @Test
    void aFrameOverTheLimitEndsTheSessionWithAClearError() {
        RealtimeClient small = RealtimeClient.builder().endpoint(endpoint("ga")).credentials(Credentials.apiKey(KEY))
                .maxFrameBytes(4096).build();
        SessionEndedException ended = catchThrowableOfType(SessionEndedException.class, () -> small.connect().flatMapMany(session -> {
            session.send(new ClientEvent.ResponseCreate(null, null)); // 100 ms deltas: 6,400 base64 characters each
            return session.events();
        }).blockLast(TIMEOUT));
        assertThat(ended).isNotNull();
        assertThat(ended.closeStatus().code()).isIn(1006, 1009);
        assertThat(ended.getMessage()).containsIgnoringCase("frame").contains("4096");
    }
}
