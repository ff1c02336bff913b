package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.AuthenticationException;
import io.rtvoice.ClientSecretException;
import io.rtvoice.ClientSecrets;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.EphemeralKey;
import io.rtvoice.RealtimeClient;
import io.rtvoice.emulator.Faults;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import io.rtvoice.testing.MovableClock;
import io.rtvoice.transport.TransportException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

/**
 * {@link ClientSecrets} against the emulator over loopback: a minted key opens a session that starts with the
 * minted configuration (through rtvoice's client, and through the JDK's WebSocket offering the key as a browser
 * does), expires on the emulator's clock, and every refusal is a clear exception without the key in it.
 * SuiteGuard fails the class if any key ({@code sk-…}, {@code ek_…}) reaches a log, stdout or an error.
 */
class ClientSecretsOverEmulatorTest {

    private static final String KEY = "sk-mint-5e1b2c";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Instant START = Instant.parse("2026-12-05T12:00:00Z");
    private static final MovableClock CLOCK = new MovableClock(START);

    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0).log(true).clock(CLOCK));

    @RegisterExtension
    static final EmulatorExtension echoing = EmulatorExtension.anyKey().configure(b -> b.faults(Faults.parse("refuse_echoing_key")));

    private static Endpoint ga() {
        return Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA);
    }

    private static ClientSecrets secrets(Endpoint endpoint, String key) {
        return ClientSecrets.builder().endpoint(endpoint).credentials(Credentials.apiKey(key)).build();
    }

    private static SessionConfig.Builder minted() {
        return SessionConfig.builder().instructions("Answer in French.").voice("verse")
                .inputAudioFormat(RealtimeAudioFormat.G711_ULAW).outputAudioFormat(RealtimeAudioFormat.G711_ULAW)
                .turnDetection(TurnDetection.DISABLED);
    }

    private static SessionConfig sessionCreated(RealtimeClient client) {
        return client.connect()
                .flatMap(session -> session.events().next().doFinally(s -> session.closeGracefully().subscribe()))
                .cast(ServerEvent.SessionCreated.class)
                .map(ServerEvent.SessionCreated::session)
                .block(TIMEOUT);
    }

    @Test
    void aMintedKeyConnectsAClientWhoseSessionStartsWithTheMintedConfiguration() {
        EphemeralKey key = secrets(ga(), KEY).create(minted().build(), Duration.ofMinutes(1)).block(TIMEOUT);

        assertThat(key.value()).startsWith("ek_");
        assertThat(key.expiresAt()).isEqualTo(CLOCK.instant().plusSeconds(60));
        assertThat(key.session().model()).as("the endpoint's model").isEqualTo("gpt-realtime");
        assertThat(key.session().instructions()).isEqualTo("Answer in French.");
        assertThat(key.toString()).doesNotContain(key.value());

        SessionConfig session = sessionCreated(RealtimeClient.builder().endpoint(ga()).credentials(key.credentials()).build());

        assertThat(session.instructions()).isEqualTo("Answer in French.");
        assertThat(session.voice().name()).isEqualTo("verse");
        assertThat(session.audio().input().format()).isEqualTo(RealtimeAudioFormat.G711_ULAW);
        assertThat(session.audio().output().format()).isEqualTo(RealtimeAudioFormat.G711_ULAW);
        assertThat(session.turnDetection()).isEqualTo(TurnDetection.DISABLED);
    }

    @Test
    void anAzureEndpointMintsWithItsDeploymentAsTheModel() {
        Endpoint azure = Endpoint.azure(URI.create("http://127.0.0.1:" + emulator.port()), "my-deployment");

        EphemeralKey key = secrets(azure, KEY).create(SessionConfig.builder().instructions("Azure.").build()).block(TIMEOUT);

        assertThat(key.session().model()).isEqualTo("my-deployment");
        assertThat(key.expiresAt()).isEqualTo(CLOCK.instant().plus(ClientSecrets.DEFAULT_TTL));
        assertThat(sessionCreated(RealtimeClient.builder().endpoint(azure).credentials(key.credentials()).build()).instructions())
                .isEqualTo("Azure.");
    }

    @Test
    void aBrowserOfferingTheKeyAsSubprotocolGetsRealtimeSelectedAndTheMintedSession() throws Exception {
        EphemeralKey key = secrets(ga(), KEY).create(minted().instructions("From the page.").build(), Duration.ofSeconds(30)).block(TIMEOUT);
        CompletableFuture<String> first = new CompletableFuture<>();

        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("realtime", "openai-insecure-api-key." + key.value())
                .buildAsync(ga().uri(), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            first.complete(text.toString());
                        }
                        ws.request(1);
                        return null;
                    }
                }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try {
            assertThat(socket.getSubprotocol()).isEqualTo("realtime");
            ServerEvent created = io.rtvoice.event.EventCodec.of(Dialect.GA).decodeServerEvent(first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertThat(created).isInstanceOf(ServerEvent.SessionCreated.class);
            assertThat(((ServerEvent.SessionCreated) created).session().instructions()).isEqualTo("From the page.");
        } finally {
            socket.abort();
        }
    }

    @Test
    void anExpiredKeyIsRefusedWith401() {
        EphemeralKey key = secrets(ga(), KEY).create(minted().build(), Duration.ofSeconds(10)).block(TIMEOUT);
        CLOCK.advance(Duration.ofSeconds(10));

        StepVerifier.create(RealtimeClient.builder().endpoint(ga()).credentials(key.credentials()).build().connect())
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TransportException.class);
                    assertThat(((TransportException) e).httpStatus()).isEqualTo(401);
                    assertThat(e.getMessage()).doesNotContain(key.value());
                })
                .verify(TIMEOUT);
    }

    @Test
    void anUnknownKeyIsRefusedWith401() {
        StepVerifier.create(RealtimeClient.builder().endpoint(ga()).credentials(Credentials.apiKey("ek_0123456789abcdef0123456789abcdef"))
                        .build().connect())
                .expectErrorSatisfies(e -> assertThat(((TransportException) e).httpStatus()).isEqualTo(401))
                .verify(TIMEOUT);
    }

    @Test
    void aWrongApiKeyIsAnAuthenticationExceptionWithoutTheKey() {
        String wrong = "sk-wrong-a1b2c3d4";

        StepVerifier.create(secrets(ga(), wrong).create(minted().build()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("/v1/realtime/client_secrets refused: HTTP 401 invalid_api_key")
                        .hasMessageNotContaining(wrong))
                .verify(TIMEOUT);
    }

    @Test
    void aKeyTheServerEchoesInItsRefusalIsRedacted() {
        String key = "sk-echo-me-77ab";
        Endpoint endpoint = Endpoint.custom(echoing.uri("/v1/realtime?model=m"), Dialect.GA);

        StepVerifier.create(secrets(endpoint, key).create(minted().build()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("Incorrect API key provided: sk-\u2026redacted")
                        .hasMessageNotContaining(key))
                .verify(TIMEOUT);
    }

    @Test
    void aRefusalOtherThan401IsAClientSecretExceptionWithStatusAndCode() {
        StepVerifier.create(secrets(ga(), KEY).create(SessionConfig.builder().type("transcription").build()))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(ClientSecretException.class).hasMessageContaining("session.type");
                    assertThat(((ClientSecretException) e).httpStatus()).isEqualTo(400);
                    assertThat(((ClientSecretException) e).errorCode()).isEqualTo("invalid_value");
                })
                .verify(TIMEOUT);
    }

    @Test
    void aServerThatCannotBeReachedIsAClientSecretExceptionWithoutStatus() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Endpoint nowhere = Endpoint.custom(URI.create("ws://127.0.0.1:" + closedPort + "/v1/realtime?model=m"), Dialect.GA);

        StepVerifier.create(secrets(nowhere, KEY).create(minted().build()))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(ClientSecretException.class).hasMessageStartingWith("cannot POST http://127.0.0.1:" + closedPort);
                    assertThat(((ClientSecretException) e).httpStatus()).isZero();
                })
                .verify(TIMEOUT);
    }
}
