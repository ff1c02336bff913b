package io.rtvoice.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.testing.RecordingTransport;
import io.rtvoice.transport.websocket.WebSocketTransport;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Twilio's {@code X-Twilio-Signature} on the Media Stream's upgrade: signed here with javax.crypto, apart from the
 * server's code, over the public URL the server is told (the one in the TwiML), while the caller connects to the
 * server's own address, as behind a TLS-terminating proxy.
 */
class MediaStreamSignatureTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "sk-twilio-auth-token-primary";
    private static final String SECONDARY = "sk-twilio-auth-token-secondary";
    private static final URI PUBLIC_URL = URI.create("wss://voice.example.com/twilio");

    private RealtimeEmulator emulator;
    private RecordingTransport upstream;
    private MediaStreamServer server;
    private final List<CallEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Logger telephonyLog = Logger.getLogger("io.rtvoice.telephony");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getLevel() + " " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() {
        emulator = RealtimeEmulator.builder().pace(4).start();
        upstream = new RecordingTransport(WebSocketTransport.create());
        telephonyLog.addHandler(capture);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        emulator.close();
        telephonyLog.removeHandler(capture);
    }

    private MediaStreamServer server(UnaryOperator<MediaStreamServer.Builder> options) {
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey("sk-streams-test-key")).transport(upstream).build();
        server = options.apply(MediaStreamServer.builder().client(client)).start();
        server.events().subscribe(events::add);
        return server;
    }

    /** Twilio's signature, computed here: Base64(HMAC-SHA1(key: token, data: url)). */
    private static String sign(String token, String url) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(url.getBytes(StandardCharsets.UTF_8)));
    }

    private static void until(BooleanSupplier condition) {
        Flux.interval(Duration.ofMillis(10)).filter(t -> condition.getAsBoolean()).blockFirst(WAIT);
    }

    /** The HTTP status the upgrade got, dialled with {@code signature} (null: no header). */
    private static int refusal(MediaStreamServer s, String signature) {
        try {
            TwilioCaller.dial(s, signature).close();
            throw new AssertionError("the stream was accepted");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    /** A signed stream is answered: it starts and its Realtime session opens, then ends as usual. */
    private void answered(MediaStreamServer s, String signature) {
        events.clear();
        int sessions = upstream.connections.size();
        try (TwilioCaller twilio = TwilioCaller.dial(s, signature).start()) {
            until(() -> events.stream().anyMatch(CallEvent.StreamStarted.class::isInstance));
            until(() -> upstream.connections.size() == sessions + 1);
            twilio.stop();
            until(() -> events.stream().anyMatch(CallEvent.HungUp.class::isInstance));
        }
        until(() -> s.activeStreams() == 0);
    }

    @Test
    void aStreamSignedForThePublicUrlIsAnswered() throws Exception {
        MediaStreamServer s = server(b -> b.twilioAuthToken(TOKEN, PUBLIC_URL));
        answered(s, sign(TOKEN, PUBLIC_URL.toString()));
        assertThat(s.badSignatures()).isZero();
        assertThat(s.refusedConnections()).isZero();
    }

    @Test
    void theUrlIsAcceptedSignedWithOrWithoutTheDefaultPort() throws Exception {
        MediaStreamServer s = server(b -> b.twilioAuthToken(TOKEN, PUBLIC_URL));
        answered(s, sign(TOKEN, "wss://voice.example.com:443/twilio"));
        s.close();
        MediaStreamServer withPort = server(b -> b.twilioAuthToken(TOKEN, URI.create("wss://voice.example.com:443/twilio")));
        answered(withPort, sign(TOKEN, "wss://voice.example.com/twilio"));
        answered(withPort, sign(TOKEN, "wss://voice.example.com:443/twilio"));
        assertThat(withPort.badSignatures()).isZero();
    }

    @Test
    void whileRotatingEitherTokensSignatureIsAnswered() throws Exception {
        MediaStreamServer s = server(b -> b.twilioAuthToken(TOKEN, PUBLIC_URL).twilioSecondaryAuthToken(SECONDARY));
        answered(s, sign(TOKEN, PUBLIC_URL.toString()));
        answered(s, sign(SECONDARY, PUBLIC_URL.toString()));
        assertThat(refusal(s, sign("sk-twilio-auth-token-third", PUBLIC_URL.toString()))).isEqualTo(403);
    }

    @Test
    void anUpgradeWithoutAValidSignatureGets403AndNoRealtimeSession() throws Exception {
        MediaStreamServer s = server(b -> b.twilioAuthToken(TOKEN, PUBLIC_URL));
        String good = sign(TOKEN, PUBLIC_URL.toString());
        List<String> bad = List.of(
                Base64.getEncoder().encodeToString(new byte[20]),                 // wrong
                sign(TOKEN, "wss://voice.example.com/other"),                      // for another URL
                sign(TOKEN, "wss://evil.example.com/twilio"),                      // for another host
                sign(TOKEN, "ws://voice.example.com/twilio"),                      // for another scheme
                sign(SECONDARY, PUBLIC_URL.toString()),                            // with another token
                good.substring(0, good.length() - 2),                              // cut short
                good + "=",                                                        // too long
                "");                                                               // empty
        assertThat(refusal(s, null)).as("no header").isEqualTo(403);
        for (String signature : bad) {
            assertThat(refusal(s, signature)).as(signature).isEqualTo(403);
        }

        assertThat(upstream.connections).as("no Realtime session was opened").isEmpty();
        assertThat(events).as("no stream started").isEmpty();
        assertThat(s.activeStreams()).isZero();
        assertThat(s.badSignatures()).isEqualTo(bad.size() + 1);
        assertThat(s.refusedConnections()).isEqualTo(bad.size() + 1);
        // One line per refusal, saying why, without the token or any signature.
        List<String> refusals = logged.stream().filter(line -> line.contains("refused (403)")).toList();
        assertThat(refusals).hasSize(bad.size() + 1);
        assertThat(refusals.get(0)).startsWith("WARNING twilio upgrade from ").contains("no X-Twilio-Signature");
        assertThat(refusals.get(1)).contains("not Twilio's for wss://voice.example.com/twilio");
        assertThat(String.join("\n", logged)).doesNotContain(TOKEN).doesNotContain(SECONDARY).doesNotContain(good);
        for (String signature : bad) {
            if (!signature.isEmpty()) {
                assertThat(String.join("\n", logged)).doesNotContain(signature);
            }
        }
        assertThat(String.valueOf(s)).doesNotContain(TOKEN);

        answered(s, good); // refusals leave the server as it was
    }

    @Test
    void theAcsPathIsNotChecked() {
        MediaStreamServer s = server(b -> b.twilioAuthToken(TOKEN, PUBLIC_URL));
        try (AcsCaller acs = AcsCaller.dial(s, 16_000).metadata()) {
            until(() -> events.stream().anyMatch(CallEvent.StreamStarted.class::isInstance));
            until(() -> upstream.connections.size() == 1);
        }
        until(() -> events.stream().anyMatch(CallEvent.HungUp.class::isInstance));
        assertThat(s.badSignatures()).isZero();
    }

    @Test
    void anAcsStreamWithoutTheKeyItsUrlCarriesGets401AndNoRealtimeSession() {
        String key = "k-" + Long.toHexString(System.nanoTime());
        MediaStreamServer s = server(b -> b.authorizer(request ->
                reactor.core.publisher.Mono.just(request.queryParameter("key").filter(key::equals).isPresent())));
        for (String query : new String[] {"", "?key=wrong", "?other=" + key}) {
            AcsCaller refused = new AcsCaller(16_000);
            assertThatThrownBy(() -> refused.connect(URI.create("ws://127.0.0.1:" + s.port() + "/acs" + query)))
                    .isInstanceOf(CompletionException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(401));
        }
        assertThat(s.unauthorizedRequests()).isEqualTo(3);
        assertThat(upstream.connections).isEmpty();
        AcsCaller acs = new AcsCaller(16_000);
        acs.connect(URI.create("ws://127.0.0.1:" + s.port() + "/acs?key=" + key));
        try (acs) {
            acs.metadata();
            until(() -> events.stream().anyMatch(CallEvent.StreamStarted.class::isInstance));
            until(() -> upstream.connections.size() == 1);
        }
        assertThat(logged).noneMatch(line -> line.contains(key));
    }

    @Test
    void withoutATokenNoSignatureIsAsked() {
        MediaStreamServer s = server(b -> {
            // A refused twilioAuthToken leaves the builder as it was: no token, no check.
            assertThatThrownBy(() -> b.twilioAuthToken(TOKEN, URI.create("https://voice.example.com/twilio")))
                    .isInstanceOf(IllegalArgumentException.class);
            return b;
        });
        try (TwilioCaller twilio = TwilioCaller.dial(s).start()) {
            until(() -> events.stream().anyMatch(CallEvent.StreamStarted.class::isInstance));
        }
        assertThat(s.badSignatures()).isZero();
    }

    @Test
    void theBuilderRefusesABadTokenOrUrlWithoutSayingTheToken() {
        MediaStreamServer.Builder b = MediaStreamServer.builder();
        assertThatThrownBy(() -> b.twilioAuthToken(null, PUBLIC_URL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("twilioAuthToken : null (expected: the Twilio account's Auth Token)");
        assertThatThrownBy(() -> b.twilioAuthToken(" \t", PUBLIC_URL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("twilioAuthToken : blank (expected: the Twilio account's Auth Token)");
        assertThatThrownBy(() -> b.twilioAuthToken(TOKEN + "\n", PUBLIC_URL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("white space").message().doesNotContain(TOKEN);
        assertThatThrownBy(() -> b.twilioSecondaryAuthToken(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("twilioSecondaryAuthToken : blank (expected: the Twilio account's Auth Token)");
        for (URI url : new URI[] {null, URI.create("https://voice.example.com/twilio"), URI.create("/twilio"),
                URI.create("wss:/twilio"), URI.create("wss://voice.example.com/twilio#x")}) {
            assertThatThrownBy(() -> b.twilioAuthToken(TOKEN, url)).as(String.valueOf(url))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("twilioAuthToken's streamUrl : " + url)
                    .message().doesNotContain(TOKEN);
        }
        assertThatThrownBy(() -> MediaStreamServer.builder().client(RealtimeClient.builder()
                        .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                        .credentials(Credentials.apiKey("sk-streams-test-key")).build())
                .twilioSecondaryAuthToken(SECONDARY).start())
                .isInstanceOf(IllegalStateException.class).message().doesNotContain(SECONDARY);
        assertThat(String.valueOf(b.twilioAuthToken(TOKEN, PUBLIC_URL))).doesNotContain(TOKEN);
    }
}
