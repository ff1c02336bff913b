package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.Signals;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator's SIP calls over real sockets, at the HTTP level: the webhook it posts (checked here with javax.crypto,
 * independently of core's verifier), the calls API's answers and refusals, and the sideband upgrade's.
 */
class EmulatorCallsTest {

    private static final String KEY = "sk-emulator-calls-9b1e";
    private static final byte[] WEBHOOK_KEY = "emulator calls webhook key bytes".getBytes(StandardCharsets.US_ASCII);
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(WEBHOOK_KEY);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One webhook request: its headers (first values) and body. */
    record Hook(Map<String, String> headers, String body) {
    }

    private final BlockingQueue<Hook> hooks = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer receiver;
    private RealtimeEmulator emulator;
    private Path wav;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
            hooks.add(new Hook(headers, body));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).log(true)
                .webhook(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"), SECRET).start();
        wav = dir.resolve("tone.wav");
        Wav.write(wav, AudioFormat.pcm16(16_000, 1), Pcm.toBytes(Signals.tone(300, 16_000, 0.3, 10)));
    }

    @AfterEach
    void stop() {
        emulator.close();
        receiver.stop(0);
    }

    @Test
    void aRingPostsRealtimeCallIncomingSignedWithTheSecretsKey() throws Exception {
        String callId = emulator.ring("sip:alice@example.com", "sip:+18005550100@sip.api.openai.com", wav, "1").block(WsClient.TIMEOUT);

        Hook hook = hooks.poll(10, TimeUnit.SECONDS);
        assertThat(hook).isNotNull();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(WEBHOOK_KEY, "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal((hook.headers().get("webhook-id") + "."
                + hook.headers().get("webhook-timestamp") + "." + hook.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(hook.headers().get("webhook-signature")).isEqualTo("v1," + expected);
        assertThat(Long.parseLong(hook.headers().get("webhook-timestamp"))).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        JsonNode event = JSON.readTree(hook.body());
        assertThat(event.get("type").asText()).isEqualTo("realtime.call.incoming");
        assertThat(event.get("object").asText()).isEqualTo("event");
        assertThat(event.at("/data/call_id").asText()).isEqualTo(callId).matches("rtc_[0-9a-f]{32}");
        assertThat(event.at("/data/sip_headers/0/name").asText()).isEqualTo("From");
        assertThat(event.at("/data/sip_headers/0/value").asText()).contains("sip:alice@example.com");
        assertThat(hook.body()).doesNotContain(SECRET.substring(6));
    }

    @Test
    void theCallsApiAnswers404ForUnknownCallsAndRefusesBadBodiesAndStates() throws Exception {
        assertError(post("/v1/realtime/calls/rtc_unknown/hangup", KEY, ""), 404, "call_not_found");
        assertThat(post("/v1/realtime/calls/rtc_unknown/hangup", "sk-wrong", "").statusCode()).isEqualTo(401);
        String callId = emulator.ring("sip:bob@example.com", "sip:desk@example.com", wav).block(WsClient.TIMEOUT);

        assertError(post("/v1/realtime/calls/" + callId + "/accept", KEY, "{\"instructions\":\"x\"}"), 400, "missing_required_parameter");
        assertError(post("/v1/realtime/calls/" + callId + "/accept", KEY, "{\"type\":\"realtime\",\"colour\":1}"), 400, "unknown_parameter");
        assertError(post("/v1/realtime/calls/" + callId + "/refer", KEY, "{\"target_uri\":\"tel:+1\"}"), 400, "call_not_active");
        assertError(post("/v1/realtime/calls/" + callId + "/reject", KEY, "{\"status_code\":200}"), 400, "invalid_value");
        assertThat(rawUpgrade("/v1/realtime?call_id=" + callId)).as("a ringing call has no sideband yet").startsWith("HTTP/1.1 400");

        assertThat(post("/v1/realtime/calls/" + callId + "/accept", KEY, "{\"type\":\"realtime\",\"instructions\":\"Hi.\"}").statusCode())
                .isEqualTo(200);
        assertError(post("/v1/realtime/calls/" + callId + "/accept", KEY, "{\"type\":\"realtime\"}"), 400, "call_not_ringing");
        assertError(post("/v1/realtime/calls/" + callId + "/reject", KEY, ""), 400, "call_not_ringing");
        assertThat(rawUpgrade("/v1/realtime?call_id=" + callId + "&model=gpt-realtime")).startsWith("HTTP/1.1 400");
        assertThat(rawUpgrade("/v1/realtime?call_id=rtc_nope")).startsWith("HTTP/1.1 404");

        assertThat(post("/openai/v1/realtime/calls/" + callId + "/hangup", KEY, "").statusCode()).isEqualTo(200);
        assertError(post("/v1/realtime/calls/" + callId + "/hangup", KEY, ""), 404, "call_not_found");
    }

    @Test
    void ringingNeedsAWebhookAndTheWebhookMustBeHttpsOrLoopback() {
        try (RealtimeEmulator plain = RealtimeEmulator.builder().start()) {
            assertThatThrownBy(() -> plain.ring("sip:a@b", "sip:c@d", wav).block(WsClient.TIMEOUT)).hasMessageContaining("no webhook");
        }
        assertThatThrownBy(() -> RealtimeEmulator.builder().webhook(URI.create("http://example.com/hook"), SECRET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> RealtimeEmulator.builder().webhook(URI.create("https://example.com/hook"), "whsec_***"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("***");
        assertThatThrownBy(() -> emulator.ring("sip:a@b", "sip:c@d", wav, "12x")).hasMessageContaining("dtmf");
    }

    private HttpResponse<String> post(String path, String key, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + emulator.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Authorization", "Bearer " + key).timeout(WsClient.TIMEOUT).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> answer, int status, String code) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(JSON.readTree(answer.body()).at("/error/code").asText()).isEqualTo(code);
    }

    private String rawUpgrade(String pathAndQuery) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", emulator.port())) {
            socket.setSoTimeout((int) WsClient.TIMEOUT.toMillis());
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Authorization: Bearer " + KEY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
