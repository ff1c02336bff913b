package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtvoice.Dialect;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import io.rtvoice.testing.MovableClock;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator's {@code POST …/realtime/client_secrets} over real sockets, with the JDK's HTTP and WebSocket
 * clients: minting, the body's rules, and connecting with a minted key as a bearer token and as a browser's
 * subprotocol, until its expiry on a clock the test moves. The emulator logs every line (SuiteGuard fails the
 * class if a key, {@code ek_…} or {@code sk-…}, is ever printed).
 */
class EmulatorClientSecretsTest {

    private static final String KEY = "sk-emulator-mint-4f2a";
    private static final String GA = "/v1/realtime?model=gpt-realtime";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-12-05T12:00:00Z");

    private final MovableClock clock = new MovableClock(START);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private RealtimeEmulator emulator;

    @BeforeEach
    void start() {
        emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).log(true).clock(clock)
                .allowedOrigins("https://app.example:8443").start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void aMintedKeyComesWithItsExpiryAndTheSessionAsTheEmulatorNormalisesIt() throws Exception {
        HttpResponse<String> answer = post("/v1/realtime/client_secrets", Map.of("Authorization", "Bearer " + KEY),
                "{\"expires_after\":{\"anchor\":\"created_at\",\"seconds\":120},\"session\":{\"type\":\"realtime\","
                        + "\"instructions\":\"Be brief.\",\"audio\":{\"output\":{\"voice\":\"marin\"}}}}");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("cache-control")).contains("no-store");
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("value").asText()).matches("ek_[0-9a-f]{32}");
        assertThat(body.get("expires_at").asLong()).isEqualTo(START.getEpochSecond() + 120);
        JsonNode session = body.get("session");
        assertThat(session.get("type").asText()).isEqualTo("realtime");
        assertThat(session.get("object").asText()).isEqualTo("realtime.session");
        assertThat(session.get("model").asText()).isEqualTo("gpt-realtime");
        assertThat(session.get("instructions").asText()).isEqualTo("Be brief.");
        assertThat(session.at("/audio/output/voice").asText()).isEqualTo("marin");
        assertThat(session.at("/audio/input/format/type").asText()).isEqualTo("audio/pcm"); // a default filled in
        assertThat(session.get("id").asText()).startsWith("sess_").doesNotContain(body.get("value").asText().substring(3, 9));
    }

    @Test
    void theAzurePathMintsWithTheApiKeyHeaderAndTheTtlDefaultsToTenMinutes() throws Exception {
        HttpResponse<String> answer = post("/openai/v1/realtime/client_secrets", Map.of("api-key", KEY),
                "{\"session\":{\"type\":\"realtime\"}}");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("expires_at").asLong()).isEqualTo(START.getEpochSecond() + 600);
    }

    @Test
    void aKeyAsBearerTokenOpensASessionThatStartsWithTheMintedConfiguration() throws Exception {
        String key = mint(60, "{\"type\":\"realtime\",\"instructions\":\"Answer in French.\",\"audio\":{"
                + "\"input\":{\"format\":{\"type\":\"audio/pcmu\"},\"turn_detection\":null},"
                + "\"output\":{\"format\":{\"type\":\"audio/pcmu\"},\"voice\":\"verse\"}}}");

        try (WsClient client = WsClient.connect(emulator.uri(GA), Dialect.GA, Map.of("Authorization", "Bearer " + key))) {
            SessionConfig session = client.await(ServerEvent.SessionCreated.class).session();

            assertThat(session.instructions()).isEqualTo("Answer in French.");
            assertThat(session.voice().name()).isEqualTo("verse");
            assertThat(session.audio().input().format()).isEqualTo(RealtimeAudioFormat.G711_ULAW);
            assertThat(session.audio().output().format()).isEqualTo(RealtimeAudioFormat.G711_ULAW);
            assertThat(session.turnDetection()).isEqualTo(TurnDetection.DISABLED);
            assertThat(session.model()).isEqualTo("gpt-realtime");
        }
    }

    @Test
    void aKeyAsTheBrowsersSubprotocolOpensTheSessionAndTheRealtimeSubprotocolIsSelected() throws Exception {
        String key = mint(60, "{\"type\":\"realtime\",\"instructions\":\"From the browser.\"}");

        try (WsClient browser = WsClient.connect(emulator.uri(GA), Dialect.GA, Map.of("Origin", "https://app.example:8443"),
                "realtime", "openai-insecure-api-key." + key)) {
            assertThat(browser.subprotocol).isEqualTo("realtime");
            assertThat(browser.await(ServerEvent.SessionCreated.class).session().instructions()).isEqualTo("From the browser.");
        }
    }

    @Test
    void aPageOfAnOriginNotAllowedIsRefusedEvenWithALiveKey() throws Exception {
        String key = mint(60, "{\"type\":\"realtime\"}");

        assertThat(WsClient.refusedStatus(emulator.uri(GA), Map.of("Origin", "https://evil.example"), "realtime",
                "openai-insecure-api-key." + key)).isEqualTo(403);
    }

    @Test
    void aKeyOpensSessionsUntilItsTtlAndNoLonger() throws Exception {
        String key = mint(30, "{\"type\":\"realtime\"}");

        clock.advance(Duration.ofSeconds(29));
        assertThat(WsClient.refusedStatus(emulator.uri(GA), Map.of("Authorization", "Bearer " + key))).isEqualTo(101);
        assertThat(WsClient.refusedStatus(emulator.uri(GA), Map.of("Authorization", "Bearer " + key))).as("reusable while live").isEqualTo(101);

        clock.advance(Duration.ofSeconds(1));
        String refusal = rawUpgrade(GA, "Authorization: Bearer " + key);
        assertThat(refusal).startsWith("HTTP/1.1 401 ").contains("application/json")
                .contains("ephemeral key expired at " + START.plusSeconds(30)).doesNotContain(key);
        assertThat(WsClient.refusedStatus(emulator.uri(GA), Map.of(), "realtime", "openai-insecure-api-key." + key)).isEqualTo(401);
    }

    @Test
    void anUnknownEphemeralKeyIsRefusedWith401AndAJsonError() throws Exception {
        String unknown = "ek_00000000000000000000000000000000";

        String refusal = rawUpgrade(GA, "Authorization: Bearer " + unknown);

        assertThat(refusal).startsWith("HTTP/1.1 401 ").contains("{\"error\":{\"message\":\"unknown ephemeral key").doesNotContain(unknown);
    }

    @Test
    void anEphemeralKeyOpensGaSessionsOnly() throws Exception {
        String key = mint(60, "{\"type\":\"realtime\"}");

        assertThat(WsClient.refusedStatus(emulator.uri(GA), Map.of("Authorization", "Bearer " + key, "OpenAI-Beta", "realtime=v1")))
                .isEqualTo(400);
    }

    @Test
    void aWrongKeyCannotMintAndIsNotEchoed() throws Exception {
        String wrong = "sk-wrong-9d8c7b";

        HttpResponse<String> answer = post("/v1/realtime/client_secrets", Map.of("Authorization", "Bearer " + wrong),
                "{\"session\":{\"type\":\"realtime\"}}");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(answer.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
        assertThat(answer.body()).doesNotContain(wrong);
    }

    @Test
    void anEphemeralKeyCannotMintAnother() throws Exception {
        String key = mint(60, "{\"type\":\"realtime\"}");

        assertThat(post("/v1/realtime/client_secrets", Map.of("Authorization", "Bearer " + key), "{\"session\":{\"type\":\"realtime\"}}")
                .statusCode()).isEqualTo(401);
    }

    @Test
    void aBodyOutsideTheRulesIsRefusedNamingTheParameter() throws Exception {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + KEY);
        assertError(post("/v1/realtime/client_secrets", auth, "{\"expires_after\":{\"seconds\":9},\"session\":{\"type\":\"realtime\"}}"),
                400, "invalid_value", "expires_after.seconds");
        assertError(post("/v1/realtime/client_secrets", auth, "{\"expires_after\":{\"seconds\":7201},\"session\":{\"type\":\"realtime\"}}"),
                400, "invalid_value", "expires_after.seconds");
        assertError(post("/v1/realtime/client_secrets", auth, "{\"expires_after\":{\"anchor\":\"now\"},\"session\":{\"type\":\"realtime\"}}"),
                400, "invalid_value", "expires_after.anchor");
        assertError(post("/v1/realtime/client_secrets", auth, "{}"), 400, "missing_required_parameter", "session");
        assertError(post("/v1/realtime/client_secrets", auth, "{\"session\":{}}"), 400, "missing_required_parameter", "session.type");
        assertError(post("/v1/realtime/client_secrets", auth, "{\"session\":{\"type\":\"transcription\"}}"), 400, "invalid_value", "session.type");
        assertError(post("/v1/realtime/client_secrets", auth, "{\"session\":{\"type\":\"realtime\",\"voice\":\"alloy\"}}"),
                400, "unknown_parameter", "session.voice");
        assertError(post("/v1/realtime/client_secrets", auth, "{\"session\":{\"type\":\"realtime\"},\"ttl\":5}"), 400, "unknown_parameter", "ttl");
        assertError(post("/v1/realtime/client_secrets", auth, "not json"), 400, "invalid_json", null);
    }

    @Test
    void aGetIsNotAllowed() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(http("/v1/realtime/client_secrets")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(405);
        assertThat(answer.headers().firstValue("allow")).contains("POST");
    }

    private String mint(int seconds, String session) throws Exception {
        HttpResponse<String> answer = post("/v1/realtime/client_secrets", Map.of("Authorization", "Bearer " + KEY),
                "{\"expires_after\":{\"seconds\":" + seconds + "},\"session\":" + session + "}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).get("value").asText();
    }

    private HttpResponse<String> post(String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(http(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").timeout(WsClient.TIMEOUT);
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI http(String path) {
        return URI.create("http://127.0.0.1:" + emulator.port() + path);
    }

    private static void assertError(HttpResponse<String> answer, int status, String code, String param) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(answer.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("param").isNull() ? null : error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("message").asText()).isNotBlank();
    }

    /** A WebSocket upgrade request on a plain socket; the whole answer (status line, headers, body) as text. */
    private String rawUpgrade(String pathAndQuery, String authorization) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", emulator.port())) {
            socket.setSoTimeout((int) WsClient.TIMEOUT.toMillis());
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + authorization + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer); // the emulator closes after a refusal
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
