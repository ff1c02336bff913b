package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import reactor.core.publisher.Flux;

/**
 * {@code streams} on the embedded emulator, in this JVM: a Twilio Media Stream written here (the JDK's WebSocket
 * client) starts, presses a key and stops, and each event is one printed line; then the program is stopped as
 * Ctrl-C stops it.
 */
class StreamsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private String awaitLine(String pattern) {
        Pattern p = Pattern.compile("(?m)^" + pattern + "$");
        Flux.interval(Duration.ofMillis(10)).filter(t -> p.matcher(printed()).find()).blockFirst(WAIT);
        Matcher m = p.matcher(printed());
        assertThat(m.find()).as(printed()).isTrue();
        return m.groupCount() > 0 ? m.group(1) : m.group();
    }

    @Test
    void aTwilioStreamIsBridgedEachEventPrintedAndTheProgramStopsOnRequest() throws Exception {
        Streams streams = new Streams();
        streams.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        streams.env = Map.of();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(streams).execute("--port", "0"));
        try {
            String port = awaitLine("Twilio Media Streams on ws://127\\.0\\.0\\.1:(\\d+)/twilio, ACS .*");
            WebSocket twilio = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/twilio"), new WebSocket.Listener() { })
                    .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
            twilio.sendText("{\"event\":\"start\",\"streamSid\":\"MZ1\",\"start\":{\"streamSid\":\"MZ1\",\"callSid\":\"CA1\","
                    + "\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}}}", true).join();
            awaitLine("\\[call CA1\\] twilio stream MZ1 started: audio/x-mulaw 8000 Hz");
            twilio.sendText("{\"event\":\"dtmf\",\"streamSid\":\"MZ1\",\"dtmf\":{\"digit\":\"7\"}}", true).join();
            awaitLine("\\[call CA1\\] DTMF 7");
            twilio.sendText("{\"event\":\"stop\",\"streamSid\":\"MZ1\"}", true).join();
            awaitLine("\\[call CA1\\] hung up by the caller \\(Twilio stopped the stream\\): .*");
            twilio.abort();
        } finally {
            streams.stop.countDown(); // what Ctrl-C's shutdown hook does
        }
        assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(printed()).isZero();
        assertThat(printed()).endsWith("<< Streams Stopped >>" + System.lineSeparator());
    }

    @Test
    void withTwilioAuthTokenAndPublicUrlAnUnsignedStreamIsRefusedAndASignedOneBridged() throws Exception {
        String token = "sk-twilio-example-token";
        Streams streams = new Streams();
        streams.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        streams.env = Map.of("TWILIO_AUTH_TOKEN", token);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(streams)
                .execute("--port", "0", "--public-url", "wss://voice.example.com/twilio"));
        try {
            String port = awaitLine("Twilio Media Streams on ws://127\\.0\\.0\\.1:(\\d+)/twilio, ACS .*");
            awaitLine("Twilio's X-Twilio-Signature checked for wss://voice\\.example\\.com/twilio");
            URI uri = URI.create("ws://127.0.0.1:" + port + "/twilio");
            assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { })
                    .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join())
                    .hasCauseInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(403));
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            String signature = Base64.getEncoder().encodeToString(
                    mac.doFinal("wss://voice.example.com/twilio".getBytes(StandardCharsets.UTF_8)));
            WebSocket twilio = HttpClient.newHttpClient().newWebSocketBuilder().header("X-Twilio-Signature", signature)
                    .buildAsync(uri, new WebSocket.Listener() { }).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
            twilio.sendText("{\"event\":\"start\",\"streamSid\":\"MZ1\",\"start\":{\"streamSid\":\"MZ1\",\"callSid\":\"CA1\","
                    + "\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}}}", true).join();
            awaitLine("\\[call CA1\\] twilio stream MZ1 started: audio/x-mulaw 8000 Hz");
            twilio.abort();
        } finally {
            streams.stop.countDown();
        }
        assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(printed()).isZero();
        assertThat(printed()).doesNotContain(token);
    }
}
