package io.rtvoice.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.LevelDetector;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.testing.RawWebSocket;
import io.rtvoice.testing.RecordingTransport;
import io.rtvoice.transport.websocket.WebSocketTransport;
import io.rtvoice.voice.LocalVad;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The relay against pages that misbehave or are not welcome, over real sockets: each gets a defined outcome,
 * and no key reaches any of them.
 */
class RelayProtocolTest {

    private static final String KEY = "sk-relay-protocol-secret";
    private RealtimeEmulator emulator;
    private VoiceRelay relay;
    private final List<RelaySessionSummary> ended = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startEmulator() {
        emulator = RealtimeEmulator.builder().apiKey(KEY).start();
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        emulator.close();
    }

    private VoiceRelay relay(String key, UnaryOperator<VoiceRelay.Builder> options) {
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey(key)).build();
        relay = options.apply(VoiceRelay.builder().client(client)).start();
        relay.sessions().subscribe(ended::add);
        return relay;
    }

    private RelaySessionSummary summary() {
        Flux.interval(Duration.ofMillis(10)).filter(t -> !ended.isEmpty()).blockFirst(PageClient.TIMEOUT);
        return ended.get(0);
    }

    private static int handshakeStatus(VoiceRelay relay, String origin) {
        try (PageClient page = PageClient.open(relay, origin)) {
            return 101;
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    @Test
    void aPageOfAnotherOriginIsRefusedAndAnAllowedOneAccepted() {
        VoiceRelay r = relay(KEY, b -> b.allowedOrigins("https://app.example"));
        assertThat(handshakeStatus(r, "http://evil.example")).isEqualTo(403);
        assertThat(handshakeStatus(r, "http://127.0.0.1:" + (r.port() + 1))).as("another port is another origin").isEqualTo(403);
        assertThat(handshakeStatus(r, "https://app.example")).isEqualTo(101);
        assertThat(handshakeStatus(r, "http://127.0.0.1:" + r.port())).as("the relay's own page").isEqualTo(101);
        assertThat(r.refusedConnections()).isEqualTo(2);
    }

    @Test
    void aHostThatIsNotTheRelaysIsRefusedAgainstDnsRebinding() throws Exception {
        VoiceRelay r = relay(KEY, b -> b.allowedOrigins("https://app.example").allowedHosts("voice.example"));
        String port = ":" + r.port();
        // A rebinding attacker's page: its name now points at the relay, so its Origin matches the Host.
        assertThat(RawWebSocket.upgrade(r.port(), "/ws", "evil.example" + port, "http://evil.example" + port, "13")).startsWith("HTTP/1.1 403");
        assertThat(RawWebSocket.http(r.port(), "GET", "/config", "evil.example" + port, null)).startsWith("HTTP/1.1 403");
        assertThat(RawWebSocket.http(r.port(), "GET", "/", "evil.example" + port, null)).startsWith("HTTP/1.1 403");
        assertThat(RawWebSocket.http(r.port(), "POST", "/session", "evil.example" + port, "http://evil.example" + port))
                .startsWith("HTTP/1.1 403");
        assertThat(r.refusedConnections()).isEqualTo(4);
        // The relay's own names: an address, localhost, a host allowed by name or by an allowed origin.
        assertThat(RawWebSocket.upgrade(r.port(), "/ws", "127.0.0.1" + port, "http://127.0.0.1" + port, "13")).startsWith("HTTP/1.1 101");
        assertThat(RawWebSocket.upgrade(r.port(), "/ws", "localhost" + port, "http://localhost" + port, "13")).startsWith("HTTP/1.1 101");
        assertThat(RawWebSocket.upgrade(r.port(), "/ws", "[::1]" + port, "http://[::1]" + port, "13")).startsWith("HTTP/1.1 101");
        assertThat(RawWebSocket.upgrade(r.port(), "/ws", "voice.example" + port, "http://voice.example" + port, "13")).startsWith("HTTP/1.1 101");
        assertThat(RawWebSocket.http(r.port(), "GET", "/config", "app.example", null)).startsWith("HTTP/1.1 200");
        assertThat(RawWebSocket.http(r.port(), "GET", "/", "localhost" + port, null)).startsWith("HTTP/1.1 200");
        assertThat(r.refusedConnections()).isEqualTo(4);
    }

    @Test
    void pagesOverTheLimitGet503() throws Exception {
        VoiceRelay r = relay(KEY, b -> b.maxSessions(1));
        try (PageClient first = PageClient.open(r, null)) {
            assertThat(handshakeStatus(r, null)).isEqualTo(503);
        }
        summary(); // the first one ended, so a page may come again
        assertThat(handshakeStatus(r, null)).isEqualTo(101);
    }

    @Test
    void requestsThatAreNotUpgradesGet426AndTakeNoPlace() throws Exception {
        VoiceRelay r = relay(KEY, b -> b.maxSessions(2));
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 5; i++) { // a health check, a scanner: more of them than there are places
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port() + "/ws"))
                    .timeout(PageClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(426);
        }
        assertThat(RawWebSocket.upgrade(r.port(), "/ws", "127.0.0.1:" + r.port(), null, "8")).as("an old WebSocket version")
                .startsWith("HTTP/1.1 426");
        try (PageClient first = PageClient.open(r, null); PageClient second = PageClient.open(r, null)) {
            assertThat(r.refusedConnections()).isZero();
        }
    }

    @Test
    void aHugeSessionRequestGets413WhileItArrivesAndTheRelayGoesOn() throws Exception {
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey(KEY)).build();
        relay = VoiceRelay.builder().client(client).ephemeralKeys(io.rtvoice.ClientSecrets.builder().endpoint(client.endpoint())
                .credentials(Credentials.apiKey(KEY)).build(), Duration.ofMinutes(1)).start();
        // Declared too large: refused before any of it is read.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", relay.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST /session HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(statusLine(socket)).startsWith("HTTP/1.1 413");
        }
        // Chunked, no length, no Origin: refused once more than the limit has arrived, long before 256 MiB.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", relay.port())) {
            socket.setSoTimeout(20_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /session HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port()
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Thread writer = new Thread(() -> {
                byte[] chunk = ("4000\r\n" + " ".repeat(0x4000) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                try {
                    for (int i = 0; i < 16_384; i++) { // 256 MiB
                        out.write(chunk);
                    }
                } catch (java.io.IOException closed) {
                    // the relay has answered and closed
                }
            }, "huge-body");
            writer.setDaemon(true);
            writer.start();
            assertThat(statusLine(socket)).startsWith("HTTP/1.1 413");
            socket.close();
            writer.join(PageClient.TIMEOUT.toMillis());
        }
        HttpResponse<String> minted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + relay.port() + "/session")).timeout(PageClient.TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(minted.statusCode()).as("the relay goes on").isEqualTo(200);
        assertThat(minted.body()).contains("\"value\"");
    }

    private static String statusLine(java.net.Socket socket) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        java.io.InputStream in = socket.getInputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString().strip();
    }

    @Test
    void closingWaitsForEveryLiveSessionsSummaryBeforeTheSessionsComplete() throws Exception {
        VoiceRelay r = relay(KEY, b -> b);
        List<PageClient> pages = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                PageClient page = PageClient.open(r, null);
                pages.add(page);
                page.text("{\"type\":\"start\",\"sampleRate\":24000}");
                page.next("ready");
            }
            java.util.concurrent.CompletableFuture<List<RelaySessionSummary>> reported = r.sessions().collectList().toFuture();
            r.closeGracefully().block(Duration.ofSeconds(20));
            // They end together, on several threads: every summary is out, then the flux completes.
            assertThat(reported.get(20, java.util.concurrent.TimeUnit.SECONDS)).hasSize(8)
                    .allSatisfy(summary -> assertThat(summary.endedBy()).isEqualTo("relay shutting down"));
            for (PageClient page : pages) {
                assertThat(page.awaitClose()).isEqualTo(1001);
            }
        } finally {
            pages.forEach(PageClient::close);
        }
    }

    @Test
    void malformedMessagesAreAnsweredAndTheSessionGoesOn() throws Exception {
        VoiceRelay r = relay(KEY, b -> b);
        try (PageClient page = PageClient.open(r, null)) {
            page.binary(new byte[960]);
            assertThat(page.next("error").path("message").asText()).contains("before the session is ready");
            page.text("not json {");
            assertThat(page.next("error").path("message").asText()).contains("not JSON");
            page.text("{\"type\":\"teleport\"}");
            assertThat(page.next("error").path("message").asText()).contains("unknown message type 'teleport'");
            page.text("{\"type\":\"start\",\"sampleRate\":24000}");
            JsonNode ready = page.next("ready");
            assertThat(ready.path("sampleRate").asInt()).isEqualTo(24_000);
            page.binary(new byte[961]);
            assertThat(page.next("error").path("message").asText()).contains("961 bytes is not a whole number of samples");
            page.text("{\"type\":\"start\"}");
            assertThat(page.next("error").path("message").asText()).contains("already started");
            page.binary(new byte[960]); // a good frame after all that: still a live session
            page.text("{\"type\":\"stop\"}");
            assertThat(page.next("ended").path("reason").asText()).isEqualTo("stopped by the page");
            assertThat(page.awaitClose()).isEqualTo(1000);
            assertThat(page.texts).noneMatch(t -> t.contains(KEY));
        }
        assertThat(summary().rejectedMessages()).isEqualTo(5);
        assertThat(summary().endedBy()).isEqualTo("stopped by the page");
    }

    @Test
    void withLocalVadTheRelayTakesThePagesTurns(@TempDir Path dir) throws Exception {
        RecordingTransport upstream = new RecordingTransport(WebSocketTransport.create());
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey(KEY)).transport(upstream).build();
        relay = VoiceRelay.builder().client(client).localVad(LocalVad.of(LevelDetector.factory(-40))).start();
        Wav.Audio audio = Signals.speech("What is the weather like in Paris today?", dir.resolve("said.wav"));
        short[] speech = Resampler.convert(Pcm.toShorts(audio.data()), audio.format().sampleRate(), 24_000);
        short[] said = new short[24_000 + speech.length + 24_000]; // a second of silence either side
        System.arraycopy(speech, 0, said, 24_000, speech.length);
        try (PageClient page = PageClient.open(relay, null)) {
            // What the stock page sends: its VAD choice, which the relay's local VAD overrides.
            page.text("{\"type\":\"start\",\"sampleRate\":24000,\"vad\":{\"type\":\"server_vad\"}}");
            page.next("ready");
            for (int at = 0; at < said.length; at += 480) { // 20 ms frames, as the page sends them
                page.binary(Pcm.toBytes(java.util.Arrays.copyOfRange(said, at, Math.min(said.length, at + 480))));
            }
            page.next("speech_started");
            page.next("speech_stopped");
            page.next("turn_done"); // the relay committed and asked; the emulator answered

            JsonNode input = upstream.sent("session.update").get(0).path("session").path("audio").path("input");
            assertThat(input.has("turn_detection")).isTrue();
            assertThat(input.get("turn_detection").isNull()).as("the page's server_vad is not used").isTrue();
            List<String> types = upstream.sent.stream().map(m -> m.path("type").asText()).toList();
            assertThat(types).containsSubsequence("input_audio_buffer.commit", "response.create");
            assertThat(upstream.sent("input_audio_buffer.commit")).hasSize(1);
            // Only speech went up: the leading second but its 300 ms pre-roll, the trailing one but 500 ms.
            long appendedBytes = upstream.sent("input_audio_buffer.append").stream()
                    .mapToLong(a -> java.util.Base64.getDecoder().decode(a.path("audio").asText()).length).sum();
            assertThat(appendedBytes / 48).isLessThan(said.length / 24 - 1_000);
        }
    }

    @Test
    void aBadStartIsRefusedWithItsReason() throws Exception {
        VoiceRelay r = relay(KEY, b -> b);
        try (PageClient page = PageClient.open(r, null)) {
            page.text("{\"type\":\"start\",\"vad\":{\"type\":\"server_vad\",\"threshold\":7}}");
            assertThat(page.next("error").path("message").asText()).contains("threshold 0..1");
            assertThat(page.awaitClose()).isEqualTo(1008);
        }
    }

    @Test
    void aMessageOverTheLimitClosesTheSocketWith1009() {
        VoiceRelay r = relay(KEY, b -> b.maxMessageBytes(1_024));
        try (PageClient page = PageClient.open(r, null)) {
            page.binary(new byte[4_096]);
            assertThat(page.awaitClose()).isEqualTo(1009);
        }
        assertThat(summary().endedBy()).isNotBlank();
    }

    @Test
    void aSilentPageIsClosedWhenIdle() {
        VoiceRelay r = relay(KEY, b -> b.idleTimeout(Duration.ofMillis(500)));
        try (PageClient page = PageClient.open(r, null)) {
            assertThat(page.awaitClose()).isEqualTo(1001);
            assertThat(page.closeReason.join()).isEqualTo("idle");
        }
        assertThat(summary().endedBy()).isEqualTo("idle");
        assertThat(r.activeSessions()).isZero();
    }

    @Test
    void aPageThatStopsReadingIsCutAndItsPlaceAndSessionFreed(@TempDir Path dir) throws Exception {
        emulator.close(); // one whose answer goes on for minutes: the relay has audio to send all along
        emulator = RealtimeEmulator.builder().apiKey(KEY).monologue(Duration.ofMinutes(5)).start();
        RecordingTransport upstream = new RecordingTransport(WebSocketTransport.create());
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey(KEY)).transport(upstream).build();
        relay = VoiceRelay.builder().client(client).maxSessions(1).maxQueuedBytes(64 * 1024).start();
        relay.sessions().subscribe(ended::add);
        try (RawWebSocket page = RawWebSocket.open(relay.port(), "/ws")) {
            page.text("{\"type\":\"start\",\"sampleRate\":24000}");
            assertThat(page.readUntil("\"ready\"")).isTrue();
            Wav.Audio audio = Signals.speech("Tell me a long story.", dir.resolve("said.wav"));
            short[] speech = Resampler.convert(Pcm.toShorts(audio.data()), audio.format().sampleRate(), 24_000);
            short[] said = java.util.Arrays.copyOf(speech, speech.length + 24_000); // a second of silence after it
            for (int at = 0; at < said.length; at += 480) {
                page.binary(Pcm.toBytes(java.util.Arrays.copyOfRange(said, at, Math.min(said.length, at + 480))));
            }
            // From now on it reads nothing, and reports playing in real time, so the relay keeps sending it the answer.
            long began = System.nanoTime();
            Disposable reports = Flux.interval(Duration.ofMillis(20), Schedulers.boundedElastic()).subscribe(t -> {
                try {
                    page.text("{\"type\":\"played\",\"frames\":" + (System.nanoTime() - began) / 41_667 + "}");
                } catch (java.io.IOException cut) {
                    // the relay has cut it
                }
            });
            try {
                RelaySessionSummary summary = Flux.interval(Duration.ofMillis(10)).filter(t -> !ended.isEmpty())
                        .map(t -> ended.get(0)).blockFirst(Duration.ofSeconds(60));
                assertThat(summary.endedBy()).isEqualTo("page does not read");
            } finally {
                reports.dispose();
            }
            // The service's session is closed, the page's place freed, its connection cut: no close frame could reach it.
            assertThat(upstream.connections.get(0).closeStatus().block(PageClient.TIMEOUT)).isNotNull();
            Flux.interval(Duration.ofMillis(10)).filter(t -> relay.activeSessions() == 0).blockFirst(PageClient.TIMEOUT);
            assertThat(page.drainToEnd()).as("the connection ends without a close frame").isFalse();
        }
        assertThat(handshakeStatus(relay, null)).as("the place is free again").isEqualTo(101);
    }

    @Test
    void aKeyTheServiceRefusesIsReportedWithoutTheKey() throws Exception {
        String wrong = "sk-wrong-relay-secret";
        VoiceRelay r = relay(wrong, b -> b);
        try (PageClient page = PageClient.open(r, null)) {
            page.text("{\"type\":\"start\"}");
            assertThat(page.next("error").path("message").asText()).isEqualTo("the service refused the relay's credentials");
            assertThat(page.awaitClose()).isEqualTo(1011);
            assertThat(page.texts).noneMatch(t -> t.contains(wrong) || t.contains(KEY));
        }
        assertThat(summary().toString()).doesNotContain(wrong);
        assertThat(summary().endedBy()).isEqualTo("upstream failed");
    }

    @Test
    void whenThePageMayNotSetTheSessionTheConfigDoesNotShowTheInstructions() throws Exception {
        VoiceRelay r = relay(KEY, b -> b.pageMaySetSession(false)
                .session(io.rtvoice.event.SessionConfig.builder().instructions("The operator's secret prompt.").build()));
        HttpResponse<String> config = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + r.port() + "/config")).timeout(PageClient.TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.body()).contains("\"pageMaySetSession\":false").doesNotContain("secret prompt")
                .doesNotContain("instructions");
    }

    @Test
    void onlyThePagesFilesAreServedAndTheConfigHasNoKey() throws Exception {
        VoiceRelay r = relay(KEY, b -> b.session(io.rtvoice.event.SessionConfig.builder().instructions("Be brief.").build()));
        HttpClient http = HttpClient.newHttpClient();
        UnaryOperator<String> get = path -> {
            try {
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port() + path))
                        .timeout(PageClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
                return res.statusCode() + " " + res.headers().firstValue("content-type").orElse("") + " " + res.body();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        assertThat(get.apply("/")).startsWith("200 text/html").contains("<button id=\"record\"");
        assertThat(get.apply("/app.js")).startsWith("200 text/javascript");
        assertThat(get.apply("/worklets.js")).contains("registerProcessor('player'");
        assertThat(get.apply("/config")).startsWith("200 application/json").contains("\"instructions\":\"Be brief.\"")
                .doesNotContain(KEY);
        assertThat(get.apply("/../pom.xml")).startsWith("404");
        assertThat(get.apply("/io/rtvoice/relay/VoiceRelay.class")).startsWith("404");
        assertThat(get.apply("/%2e%2e/%2e%2e/etc/passwd")).startsWith("404");
        assertThatThrownBy(() -> VoiceRelay.builder().start()).isInstanceOf(NullPointerException.class).hasMessage("client");
    }
}
