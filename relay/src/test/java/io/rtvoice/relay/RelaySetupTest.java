package io.rtvoice.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.ScriptedResponder;
import io.rtvoice.voice.SessionSetup;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/** The app's setup of each page's session: its tools answer the model, named by the page session's id. */
class RelaySetupTest {

    private static final String KEY = "sk-relay-setup-secret";
    private RealtimeEmulator emulator;
    private RealtimeClient client;
    private VoiceRelay relay;
    private final List<RelaySessionSummary> ended = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        emulator = RealtimeEmulator.builder().apiKey(KEY).responder(ScriptedResponder.builder()
                .onAnyTurn().callTool("lookup_order", "{\"order\":\"7\"}").then().say("Your order is {output}.")
                .build()).pace(4).start();
        client = RealtimeClient.builder().endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey(KEY)).build();
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        emulator.close();
    }

    @Test
    void aToolTheSetupRegistersAnswersTheModel(@TempDir Path dir) throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        relay = VoiceRelay.builder().client(client).setup((id, conversation, voice) -> {
            conversation.tool("lookup_order", "Looks an order up", JsonNodeFactory.instance.objectNode(), args -> {
                calls.add(id + " " + args);
                return Mono.just("{\"status\":\"shipped\"}");
            });
            return Mono.empty();
        }).start();
        relay.sessions().subscribe(ended::add);
        Wav.Audio audio = Signals.speech("Where is my order?", dir.resolve("said.wav"));
        short[] speech = Resampler.convert(Pcm.toShorts(audio.data()), audio.format().sampleRate(), 24_000);
        short[] said = java.util.Arrays.copyOf(speech, speech.length + 24_000);
        try (PageClient page = PageClient.open(relay, null)) {
            page.text("{\"type\":\"start\",\"sampleRate\":24000}");
            String session = page.next("ready").path("session").asText();
            for (int at = 0; at < said.length; at += 480) {
                page.binary(Pcm.toBytes(java.util.Arrays.copyOfRange(said, at, Math.min(said.length, at + 480))));
            }
            JsonNode line;
            do {
                line = page.next("transcript");
            } while (!(line.path("speaker").asText().equals("assistant") && line.path("done").asBoolean()));
            assertThat(line.path("text").asText()).isEqualTo("Your order is {\"status\":\"shipped\"}.");
            assertThat(calls).containsExactly(session + " {\"order\":\"7\"}");
        }
    }

    @Test
    void aSetupThatFailsEndsThePageAndNoKeyIsShown() throws Exception {
        SessionSetup failing = (id, conversation, voice) -> Mono.error(new IllegalStateException("orders db down, key " + KEY));
        relay = VoiceRelay.builder().client(client).setup(failing).start();
        try (PageClient page = PageClient.open(relay, null)) {
            page.text("{\"type\":\"start\"}");
            assertThat(page.next("error").path("message").asText()).doesNotContain(KEY).doesNotContain("orders db");
            assertThat(page.awaitClose()).isEqualTo(1011);
        }
    }
}
