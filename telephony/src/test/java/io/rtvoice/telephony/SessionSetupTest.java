package io.rtvoice.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.audio.G711;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.ScriptedResponder;
import io.rtvoice.testing.RecordingTransport;
import io.rtvoice.transport.websocket.WebSocketTransport;
import io.rtvoice.voice.SessionSetup;
import io.rtvoice.voice.TranscriptLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The app's setup of each call's session, on both phone ends: a tool registered by it is offered with the first
 * session update and answers the model's call, and its transcripts reach the app, named by the call's id.
 */
class SessionSetupTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private RealtimeEmulator emulator;
    private RecordingTransport upstream;
    private RealtimeClient client;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<String> assistant = new CopyOnWriteArrayList<>();

    /** Registers {@code lookup_order} on each session and keeps what the assistant says, with the session's id. */
    private final SessionSetup setup = (id, conversation, voice) -> {
        conversation.tool("lookup_order", "Looks an order up", JsonNodeFactory.instance.objectNode(), args -> {
            calls.add(id + " " + args);
            return Mono.just("{\"status\":\"shipped\"}");
        });
        voice.transcripts().filter(line -> line.done() && line.speaker() == TranscriptLine.Speaker.ASSISTANT)
                .subscribe(line -> assistant.add(id + " " + line.text()));
        return Mono.empty();
    };

    @BeforeEach
    void start() {
        emulator = RealtimeEmulator.builder().responder(ScriptedResponder.builder()
                .onAnyTurn().callTool("lookup_order", "{\"order\":\"7\"}").then().say("Your order is {output}.")
                .build()).pace(4).start();
        upstream = new RecordingTransport(WebSocketTransport.create());
        client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey("sk-setup-test-key")).transport(upstream).build();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private short[] speech(String text) throws Exception {
        Wav.Audio audio = Signals.speech(text, dir.resolve(Integer.toHexString(text.hashCode()) + ".wav"));
        return Resampler.convert(Pcm.toShorts(audio.data()), audio.format().sampleRate(), 8_000);
    }

    private static void until(java.util.function.BooleanSupplier condition) {
        Flux.interval(Duration.ofMillis(10)).filter(t -> condition.getAsBoolean()).blockFirst(WAIT);
    }

    private void assertTheToolWasOfferedAndCalledFor(String id) {
        until(() -> !assistant.isEmpty());
        assertThat(upstream.sent("session.update").get(0).path("session").path("tools").findValuesAsText("name"))
                .as("offered with the first session update").containsExactly("lookup_order");
        assertThat(calls).containsExactly(id + " {\"order\":\"7\"}");
        assertThat(assistant).containsExactly(id + " Your order is {\"status\":\"shipped\"}.");
    }

    @Test
    void aTwilioStreamsSessionIsSetUpByTheApp() throws Exception {
        try (MediaStreamServer server = MediaStreamServer.builder().client(client).setup(setup).start();
                TwilioCaller twilio = TwilioCaller.dial(server).start()) {
            short[] said = speech("Where is my order?");
            twilio.speak(java.util.Arrays.copyOf(said, said.length + 8_000));
            assertTheToolWasOfferedAndCalledFor(TwilioCaller.CALL_SID);
        }
    }

    @Test
    void aSipCallsSessionIsSetUpByTheApp() throws Exception {
        Sipp sipp = Sipp.in(dir);
        try (SipGateway gateway = SipGateway.builder().client(client).sipPort(0).setup(setup).start()) {
            List<CallEvent> events = new CopyOnWriteArrayList<>();
            gateway.events().subscribe(events::add);
            short[] said = speech("Where is my order?");
            Path ulaw = dir.resolve("said.ulaw");
            Files.write(ulaw, G711.encodeMuLaw(java.util.Arrays.copyOf(said, said.length + 16_000)));
            Sipp.Run run = sipp.call("setup", Sipp.scenario(Sipp.freeUdpPort(), Sipp.ANSWERED + Sipp.ACK
                    + Sipp.play(ulaw, 0, 8_000) + Sipp.BYE), gateway.sipAddress().getPort(), 1, 1, 1, Sipp.freeUdpPort());
            assertThat(run.await(60)).as(run::output).isZero();
            String callId = events.stream().filter(CallEvent.Answered.class::isInstance).findFirst().orElseThrow().callId();
            assertTheToolWasOfferedAndCalledFor(callId);
        }
    }
}
