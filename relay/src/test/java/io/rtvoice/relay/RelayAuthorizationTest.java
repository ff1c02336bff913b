package io.rtvoice.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.ClientSecrets;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.voice.AuthorizationRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The app's sign-in in front of the relay: a page session or a key only for a request the authorizer admits. */
class RelayAuthorizationTest {

    private static final String KEY = "sk-relay-authorization-secret";
    private static final String TOKEN = "tok-4f9a2c";
    private final List<AuthorizationRequest> seen = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private RealtimeEmulator emulator;
    private VoiceRelay relay;

    @BeforeEach
    void start() {
        emulator = RealtimeEmulator.builder().apiKey(KEY).start();
        Endpoint endpoint = Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA);
        RealtimeClient client = RealtimeClient.builder().endpoint(endpoint).credentials(Credentials.apiKey(KEY)).build();
        ClientSecrets secrets = ClientSecrets.builder().endpoint(endpoint).credentials(Credentials.apiKey(KEY)).build();
        relay = VoiceRelay.builder().client(client).ephemeralKeys(secrets, Duration.ofMinutes(1))
                .authorizer(request -> {
                    seen.add(request);
                    if (request.queryParameter("fail").isPresent()) {
                        return Mono.error(new IllegalStateException("the sign-in store is down; token " + TOKEN));
                    }
                    if (request.queryParameter("silent").isPresent()) {
                        return Mono.empty();
                    }
                    return Mono.just(request.queryParameter("token").filter(TOKEN::equals).isPresent()
                            || request.cookie("sid").filter(TOKEN::equals).isPresent()
                            || request.header("authorization").filter(("Bearer " + TOKEN)::equals).isPresent());
                })
                .start();
    }

    @AfterEach
    void stop() {
        relay.close();
        emulator.close();
    }

    /** Opens the page socket at {@code pathAndQuery} with {@code headers}; 101 and the relay's answer to start, or the refusal's status. */
    private Object open(String pathAndQuery, Map<String, String> headers) throws Exception {
        LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        WebSocket.Builder builder = http.newWebSocketBuilder();
        headers.forEach(builder::header);
        WebSocket socket;
        try {
            socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + relay.port() + pathAndQuery), new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public java.util.concurrent.CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        texts.add(partial.toString());
                        partial.setLength(0);
                    }
                    ws.request(1);
                    return null;
                }
            }).orTimeout(20, TimeUnit.SECONDS).join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
        try {
            socket.sendText("{\"type\":\"start\"}", true).join();
            String first = texts.poll(20, TimeUnit.SECONDS);
            return first == null ? "nothing" : first;
        } finally {
            socket.abort();
        }
    }

    private HttpResponse<String> post(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPageSessionOnlyForARequestTheAuthorizerAdmits() throws Exception {
        assertThat(open("/ws", Map.of())).isEqualTo(401);
        assertThat(open("/ws?token=wrong", Map.of())).isEqualTo(401);
        assertThat((String) open("/ws?token=" + TOKEN, Map.of())).contains("\"type\":\"ready\"");
        assertThat((String) open("/ws", Map.of("Cookie", "theme=dark; sid=" + TOKEN))).contains("\"type\":\"ready\"");
        assertThat((String) open("/ws", Map.of("Authorization", "Bearer " + TOKEN))).contains("\"type\":\"ready\"");
        assertThat(relay.unauthorizedRequests()).isEqualTo(2);
        assertThat(emulator.connectionsAccepted()).as("a session with the service only for the admitted").isEqualTo(3);

        AuthorizationRequest cookied = seen.get(3);
        assertThat(cookied.path()).isEqualTo("/ws");
        assertThat(cookied.cookie("theme")).contains("dark");
        assertThat(cookied.header("Cookie")).isPresent();
        assertThat(cookied.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(seen.get(2).toString()).isEqualTo("AuthorizationRequest[/ws from " + seen.get(2).remoteAddress() + "]")
                .doesNotContain(TOKEN);
    }

    @Test
    void anAuthorizerThatFailsOrSaysNothingRefuses() throws Exception {
        assertThat(open("/ws?token=" + TOKEN + "&fail=1", Map.of())).isEqualTo(401);
        assertThat(open("/ws?token=" + TOKEN + "&silent=1", Map.of())).isEqualTo(401);
        assertThat(relay.unauthorizedRequests()).isEqualTo(2);
        assertThat(emulator.connectionsAccepted()).isZero();
    }

    @Test
    void aKeyIsMintedOnlyForARequestTheAuthorizerAdmits() throws Exception {
        HttpResponse<String> refused = post("/session");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(relay.keysMinted()).isZero();
        HttpResponse<String> minted = post("/session?token=" + TOKEN);
        assertThat(minted.statusCode()).isEqualTo(200);
        assertThat(minted.body()).contains("\"value\":\"ek_").doesNotContain(KEY);
        assertThat(relay.keysMinted()).isEqualTo(1);
    }

    @Test
    void thePageItselfIsServedToAnyone() throws Exception {
        for (String path : List.of("/", "/app.js", "/config")) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port() + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(path).isEqualTo(200);
        }
        assertThat(seen).isEmpty();
    }
}
