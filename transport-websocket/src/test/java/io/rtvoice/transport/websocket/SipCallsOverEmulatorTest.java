package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.rtvoice.AuthenticationException;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.SessionEndedException;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.calls.CallException;
import io.rtvoice.calls.Calls;
import io.rtvoice.calls.WebhookEvent;
import io.rtvoice.calls.WebhookException;
import io.rtvoice.calls.WebhookVerifier;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.event.InputTranscription;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * OpenAI SIP calls end to end against the emulator, over real sockets: the emulator rings a webhook receiver (the
 * JDK's HttpServer, checking with {@link WebhookVerifier}), the application answers with {@link Calls}, and watches
 * the call's session on its sideband connection ({@link Endpoint#forCall}) while the emulator's synthetic caller
 * speaks espeak-ng speech and presses keys. SuiteGuard fails the class if the API key or the webhook secret is printed.
 */
class SipCallsOverEmulatorTest {

    private static final String KEY = "sk-sip-calls-7c3d9e";
    private static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString("sip calls test webhook key bytes".getBytes());
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A request as the receiver got it, kept to be replayed. */
    record Delivery(Map<String, String> headers, byte[] body, WebhookEvent event, WebhookException refusal) {
    }

    private static final BlockingQueue<Delivery> DELIVERIES = new LinkedBlockingQueue<>();
    private static final WebhookVerifier VERIFIER = WebhookVerifier.builder(SECRET).build();
    private static HttpServer receiver;
    private static RealtimeEmulator emulator;
    private static Calls calls;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/openai/webhook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            int status;
            try {
                DELIVERIES.add(new Delivery(headers, body, VERIFIER.verify(headers, body), null));
                status = 200;
            } catch (WebhookException e) {
                DELIVERIES.add(new Delivery(headers, body, null, e));
                status = 400;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/openai/webhook");
        emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).log(true).webhook(hook, SECRET).start();
        calls = Calls.builder().endpoint(realtime()).credentials(Credentials.apiKey(KEY)).build();
    }

    @AfterAll
    static void stop() {
        if (emulator != null) {
            emulator.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private static Endpoint realtime() {
        return Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA);
    }

    private static RealtimeClient sideband(String callId) {
        return RealtimeClient.builder().endpoint(realtime().forCall(callId)).credentials(Credentials.apiKey(KEY)).build();
    }

    private static Delivery delivered() throws InterruptedException {
        Delivery d = DELIVERIES.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(d).as("a webhook delivery").isNotNull();
        return d;
    }

    /** A WAV of a tone, for calls whose caller need not be understood. */
    private static Path tone(String name, double seconds) throws Exception {
        Path wav = dir.resolve(name + ".wav");
        Wav.write(wav, AudioFormat.pcm16(24_000, 1), Pcm.toBytes(Signals.tone(440, 24_000, 0.3, seconds)));
        return wav;
    }

    /** Every event of the session until the server closes it, which must be with 1000. */
    private static List<ServerEvent> untilTheCallEnds(RealtimeSession session) {
        List<ServerEvent> events = session.events().onErrorResume(SessionEndedException.class, e -> Mono.empty())
                .collectList().block(TIMEOUT);
        assertThat(session.closeStatus().block(TIMEOUT).code()).isEqualTo(1000);
        return events;
    }

    @Test
    void aRingArrivesAsASignedWebhookThatVerifiesAndItsReplayOrAForgeryIsRefused() throws Exception {
        String callId = emulator.ring("sip:+15551230000@carrier.example", "sip:+18005550100@sip.api.openai.com", tone("ring", 0.5))
                .block(TIMEOUT);

        Delivery d = delivered();
        assertThat(d.refusal()).isNull();
        assertThat(d.event().incomingCall()).isTrue();
        assertThat(d.event().callId()).isEqualTo(callId).startsWith("rtc_");
        assertThat(d.event().sipHeader("From")).contains("sip:+15551230000@carrier.example");
        assertThat(d.event().sipHeader("To")).contains("sip:+18005550100@sip.api.openai.com");

        assertThatThrownBy(() -> VERIFIER.verify(d.headers(), d.body())).isInstanceOf(WebhookException.class)
                .extracting(e -> ((WebhookException) e).reason()).isEqualTo(WebhookException.Reason.REPLAYED);
        WebhookVerifier otherSecret = WebhookVerifier.builder("whsec_" + java.util.Base64.getEncoder().encodeToString("not the secret".getBytes()))
                .build();
        assertThatThrownBy(() -> otherSecret.verify(d.headers(), d.body())).isInstanceOf(WebhookException.class)
                .extracting(e -> ((WebhookException) e).reason()).isEqualTo(WebhookException.Reason.BAD_SIGNATURE);
        calls.reject(callId).block(TIMEOUT);
    }

    @Test
    void anAcceptedCallIsASpokenTurnOnTheSidebandWithKeysPressedAndTheCallerHangsUpAfterTheAnswer() throws Exception {
        Path speech = dir.resolve("caller.wav");
        Signals.speech("Hello, I would like to check the status of my order.", speech);
        String callId = emulator.ring("sip:+15551230001@carrier.example", "sip:+18005550100@sip.api.openai.com", speech, "42#")
                .block(TIMEOUT);
        WebhookEvent incoming = delivered().event();

        calls.accept(incoming.callId(), SessionConfig.builder().instructions("You answer for Example Corp.")
                .inputTranscription(InputTranscription.of("gpt-4o-transcribe")).build()).block(TIMEOUT);
        RealtimeSession session = sideband(callId).connect().block(TIMEOUT);
        List<ServerEvent> events = untilTheCallEnds(session);

        assertThat(events.get(0)).isInstanceOf(ServerEvent.SessionCreated.class);
        assertThat(((ServerEvent.SessionCreated) events.get(0)).session().instructions()).isEqualTo("You answer for Example Corp.");
        assertThat(events).anyMatch(e -> e instanceof ServerEvent.InputAudioBufferSpeechStarted);
        assertThat(events).anyMatch(e -> e instanceof ServerEvent.InputAudioBufferSpeechStopped);
        assertThat(events).anyMatch(e -> e instanceof ServerEvent.ConversationItemInputAudioTranscriptionCompleted);
        ServerEvent.ResponseDone done = events.stream().filter(ServerEvent.ResponseDone.class::isInstance)
                .map(ServerEvent.ResponseDone.class::cast).findFirst().orElseThrow();
        assertThat(done.response().status()).isEqualTo("completed");
        assertThat(events).filteredOn(ServerEvent.ResponseOutputAudioTranscriptDone.class::isInstance)
                .extracting(e -> ((ServerEvent.ResponseOutputAudioTranscriptDone) e).transcript()).allMatch(t -> !t.isBlank()).isNotEmpty();
        assertThat(events).as("the answer is played to the caller, not sent here")
                .noneMatch(e -> e instanceof ServerEvent.ResponseOutputAudioDelta);
        int started = indexOf(events, ServerEvent.OutputAudioBufferStarted.class);
        int stopped = indexOf(events, ServerEvent.OutputAudioBufferStopped.class);
        assertThat(started).isPositive().isLessThan(events.indexOf(done));
        assertThat(stopped).isGreaterThan(events.indexOf(done));
        assertThat(((ServerEvent.OutputAudioBufferStopped) events.get(stopped)).responseId()).isEqualTo(done.response().id());
        assertThat(events).filteredOn(ServerEvent.InputAudioBufferDtmfEventReceived.class::isInstance)
                .extracting(e -> ((ServerEvent.InputAudioBufferDtmfEventReceived) e).event()).containsExactly("4", "2", "#");

        assertThatThrownBy(() -> calls.hangup(callId).block(TIMEOUT)).as("the caller hung up: the call is gone")
                .isInstanceOf(CallException.class).extracting(e -> ((CallException) e).httpStatus()).isEqualTo(404);
    }

    private static int indexOf(List<ServerEvent> events, Class<? extends ServerEvent> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void referEndsTheCallAndClosesTheSideband() throws Exception {
        String callId = emulator.ring("sip:+15551230002@carrier.example", "sip:+18005550100@sip.api.openai.com", tone("refer", 20))
                .block(TIMEOUT);
        delivered();
        calls.accept(callId, SessionConfig.builder().turnDetection(TurnDetection.DISABLED).build()).block(TIMEOUT);
        RealtimeSession session = sideband(callId).connect().block(TIMEOUT);
        assertThat(session.events().blockFirst(TIMEOUT)).isInstanceOf(ServerEvent.SessionCreated.class);

        calls.refer(callId, "tel:+14155550123").block(TIMEOUT);

        untilTheCallEnds(session);
        assertThatThrownBy(() -> calls.refer(callId, "tel:+14155550123").block(TIMEOUT)).isInstanceOf(CallException.class)
                .extracting(e -> ((CallException) e).httpStatus()).isEqualTo(404);
    }

    @Test
    void hangupEndsTheCallAndClosesTheSideband() throws Exception {
        String callId = emulator.ring("sip:+15551230003@carrier.example", "sip:+18005550100@sip.api.openai.com", tone("hangup", 20))
                .block(TIMEOUT);
        delivered();
        calls.accept(callId, SessionConfig.builder().turnDetection(TurnDetection.DISABLED).build()).block(TIMEOUT);
        RealtimeSession session = sideband(callId).connect().block(TIMEOUT);
        assertThat(session.events().blockFirst(TIMEOUT)).isInstanceOf(ServerEvent.SessionCreated.class);

        calls.hangup(callId).block(TIMEOUT);

        untilTheCallEnds(session);
        assertThatThrownBy(() -> sideband(callId).connect().block(TIMEOUT)).as("no sideband for a call that is over")
                .hasMessageContaining("404");
    }

    @Test
    void aRejectedCallIsOverBeforeItIsAccepted() throws Exception {
        String callId = emulator.ring("sip:+15551230004@carrier.example", "sip:+18005550100@sip.api.openai.com", tone("reject", 1))
                .block(TIMEOUT);
        delivered();

        calls.reject(callId, 486).block(TIMEOUT);

        assertThatThrownBy(() -> calls.accept(callId, SessionConfig.builder().build()).block(TIMEOUT)).isInstanceOf(CallException.class)
                .extracting(e -> ((CallException) e).httpStatus()).isEqualTo(404);
    }

    @Test
    void anUnknownCallIs404AndAWrongKeyIsRefused() {
        assertThatThrownBy(() -> calls.hangup("rtc_0000000000000000").block(TIMEOUT)).isInstanceOf(CallException.class)
                .satisfies(e -> {
                    assertThat(((CallException) e).httpStatus()).isEqualTo(404);
                    assertThat(((CallException) e).callId()).isEqualTo("rtc_0000000000000000");
                });
        Calls wrongKey = Calls.builder().endpoint(realtime()).credentials(Credentials.apiKey("sk-wrong-key-1234")).build();
        assertThatThrownBy(() -> wrongKey.hangup("rtc_0000000000000000").block(TIMEOUT)).isInstanceOf(AuthenticationException.class)
                .hasMessageNotContaining("sk-wrong-key-1234");
    }
}
