package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtvoice.Dialect;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.EventDecodeException;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Server VAD turns, barge-in, faults, and a whole conversation validated against the official catalog. */
class EmulatorTurnsAndFaultsTest {

    private static final Map<String, String> BEARER = EmulatorProtocolTest.BEARER;

    @RegisterExtension
    final EmulatorExtension emulator = EmulatorExtension.anyKey().configure(b -> b.pace(0));
    @RegisterExtension
    final EmulatorExtension realTime = EmulatorExtension.anyKey().configure(b -> b.pace(1));
    @RegisterExtension
    final EmulatorExtension fifteenMinuteSessions = EmulatorExtension.anyKey()
            .configure(b -> b.pace(0).sessionDuration(Duration.ofMinutes(15)));

    /** PCM16 24 kHz: {@code ms} of a 440 Hz tone at −12 dBFS (speech-like energy) or of silence. */
    static byte[] pcm(int ms, boolean tone) {
        byte[] out = new byte[ms * 48];
        if (tone) {
            for (int i = 0; i < ms * 24; i++) {
                short s = (short) Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / 24_000.0));
                out[2 * i] = (byte) s;
                out[2 * i + 1] = (byte) (s >> 8);
            }
        }
        return out;
    }

    /** Appends in 20 ms chunks, as a microphone does. */
    static void speak(WsClient c, byte[] pcm) {
        for (int at = 0; at < pcm.length; at += 960) {
            c.send(new ClientEvent.InputAudioBufferAppend(null, java.util.Arrays.copyOfRange(pcm, at, Math.min(pcm.length, at + 960))));
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void serverVadTurnRunsFromSpeechToResponse(Dialect dialect) throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(emulator, dialect)) {
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().type(dialect == Dialect.GA ? "realtime" : null)
                    .turnDetection(TurnDetection.serverVad(0.5, 300, 500)).build()));
            c.await(ServerEvent.SessionUpdated.class);
            speak(c, pcm(1000, false));
            speak(c, pcm(1200, true));
            speak(c, pcm(800, false));

            var started = c.await(ServerEvent.InputAudioBufferSpeechStarted.class);
            var stopped = c.await(ServerEvent.InputAudioBufferSpeechStopped.class);
            var committed = c.await(ServerEvent.InputAudioBufferCommitted.class);
            assertThat(started.audioStartMs()).isEqualTo(1000 - 300);
            assertThat(stopped.audioEndMs()).isEqualTo(2200 + 500);
            assertThat(stopped.itemId()).isEqualTo(started.itemId()).isEqualTo(committed.itemId());

            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            assertThat(done.response().status()).isEqualTo("completed");
            // The committed item spans audio_start_ms to audio_end_ms, as on the service.
            assertThat(done.response().output().get(0).content().get(0).transcript()).isEqualTo("I heard 2.0 seconds of audio.");
        }
    }

    @Test
    void idleTimeoutTriggersATurnAfterThatMuchSilence() throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(emulator, Dialect.GA)) {
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder()
                    .turnDetection(TurnDetection.serverVad(0.5, 300, 500).withIdleTimeoutMs(5000)).build()));
            c.await(ServerEvent.SessionUpdated.class);
            speak(c, pcm(5200, false));

            var timeout = c.await(ServerEvent.InputAudioBufferTimeoutTriggered.class);
            assertThat(timeout.audioStartMs()).isZero();
            assertThat(timeout.audioEndMs()).isEqualTo(5000);
            assertThat(c.await(ServerEvent.InputAudioBufferCommitted.class).itemId()).isEqualTo(timeout.itemId());
            assertThat(c.await(ServerEvent.ResponseDone.class).response().status()).isEqualTo("completed");
        }
    }

    @Test
    void newSpeechDuringAResponseInterruptsIt() throws Exception {
        try (WsClient c = EmulatorProtocolTest.connect(realTime, Dialect.GA)) {
            speak(c, pcm(300, false));
            speak(c, pcm(600, true));
            speak(c, pcm(300, false));
            c.await(ServerEvent.ResponseOutputAudioDelta.class);
            speak(c, pcm(400, true));

            c.await(ServerEvent.InputAudioBufferSpeechStarted.class);
            ServerEvent.ResponseDone done = c.await(ServerEvent.ResponseDone.class);
            assertThat(done.response().status()).isEqualTo("cancelled");
            assertThat(done.response().statusDetails().reason()).isEqualTo("turn_detected");
        }
    }

    // ---------------------------------------------------------------- faults

    private static WsClient faulty(EmulatorExtension emulator, String fault) {
        return WsClient.connect(emulator.uri("/v1/realtime?model=m&rtvoice_fault=" + fault), Dialect.GA, BEARER);
    }

    @Test
    void closeAfterDropsTheConnectionWithoutACloseFrame() throws Exception {
        try (WsClient c = faulty(emulator, "close_after:2")) {
            c.sendText("{\"type\":\"input_audio_buffer.clear\"}"); // the second event: GA sends only session.created on connect
            List<String> frames = new ArrayList<>();
            WsClient.Received r;
            while ((r = c.nextRaw(Duration.ofSeconds(3))) != null && r.text() != null) {
                frames.add(r.text());
            }
            // The JDK client may drop the last frame when the socket ends abruptly: never more than N arrive.
            assertThat(frames).hasSizeBetween(1, 2);
            if (r != null) {
                assertThat(r.error() != null || Integer.valueOf(1006).equals(r.closeCode()))
                        .as("no close frame: the client sees an error or 1006, got %s", r).isTrue();
            } else {
                // The JDK client does not always report an abrupt end; writing to the dead socket does fail.
                assertThat(catchThrowableOfType(java.util.concurrent.CompletionException.class, () -> {
                    for (int i = 0; i < 50; i++) {
                        c.sendText("{\"type\":\"input_audio_buffer.clear\"}");
                    }
                })).isNotNull();
            }
        }
    }

    @Test
    void malformedFrameIsSentOnce() throws Exception {
        try (WsClient c = faulty(emulator, "malformed_after:1")) {
            c.next();
            c.sendText("{\"type\":\"input_audio_buffer.clear\"}");
            EventDecodeException e = catchThrowableOfType(EventDecodeException.class, c::next);
            assertThat(e.reason()).isEqualTo(EventDecodeException.Reason.MALFORMED_JSON);
            assertThat(c.next()).isInstanceOf(ServerEvent.InputAudioBufferCleared.class);
        }
    }

    @Test
    void badBase64InAudioDeltas() throws Exception {
        try (WsClient c = faulty(emulator, "bad_base64")) {
            c.await(ServerEvent.SessionCreated.class);
            c.send(new ClientEvent.ResponseCreate(null, null));
            EventDecodeException e = null;
            while (e == null) {
                try {
                    c.next();
                } catch (EventDecodeException bad) {
                    e = bad;
                }
            }
            assertThat(e.reason()).isEqualTo(EventDecodeException.Reason.INVALID_BASE64);
        }
    }

    @Test
    void errorEventAfterN() throws Exception {
        try (WsClient c = faulty(emulator, "error_after:1")) {
            c.next();
            c.sendText("{\"type\":\"input_audio_buffer.clear\"}"); // the error comes before the second event
            assertThat(c.next()).isInstanceOfSatisfying(ServerEvent.Error.class,
                    e -> assertThat(e.error().type()).isEqualTo("server_error"));
        }
    }

    @Test
    void sessionExpiryThenClose1001() throws Exception {
        try (WsClient c = faulty(fifteenMinuteSessions, "expire_after_ms:300")) {
            ServerEvent.Error expired = c.await(ServerEvent.Error.class);
            assertThat(expired.error().code()).isEqualTo("session_expired");
            assertThat(expired.error().message()).isEqualTo("Your session hit the maximum duration of 15 minutes.");
            WsClient.Received close = c.nextRaw(WsClient.TIMEOUT);
            assertThat(close.closeCode()).isEqualTo(1001);
        }
    }

    @Test
    void stallSilencesEventsAndPongs() throws Exception {
        try (WsClient c = faulty(emulator, "stall_after:2")) {
            c.await(ServerEvent.SessionCreated.class);
            c.sendText("{\"type\":\"input_audio_buffer.clear\"}");
            c.await(ServerEvent.InputAudioBufferCleared.class);
            c.send(new ClientEvent.ResponseCreate(null, null));
            c.sendPing();
            assertThat(c.nextRaw(Duration.ofMillis(500))).as("a stalled server sends nothing").isNull();
        }
    }

    // ---------------------------------------------------------------- conformance of what the emulator sends

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void everyServerEventOfAScriptedConversationMatchesTheCatalog(Dialect dialect) throws Exception {
        Path spec = Path.of(System.getProperty("rtvoice.spec.dir", "../../shared/reference/spec"));
        JsonNode catalog = new ObjectMapper().readTree(Files.readString(spec.resolve("realtime-event-catalog.json")));
        JsonNode version = catalog.get(dialect == Dialect.GA ? "ga_head" : "beta_2025_04").get("server");
        ObjectMapper json = new ObjectMapper();
        List<String> raw = new ArrayList<>();

        try (WsClient c = EmulatorProtocolTest.connect(emulator, dialect)) {
            c.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().type(dialect == Dialect.GA ? "realtime" : null)
                    .inputTranscription(io.rtvoice.event.InputTranscription.of("whisper-1")).build()));
            c.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("Hello")));
            c.send(new ClientEvent.ResponseCreate(null, null));
            speak(c, pcm(200, false));
            speak(c, pcm(700, true));
            speak(c, pcm(600, false));
            c.send(new ClientEvent.InputAudioBufferCommit(null));
            c.send(new ClientEvent.ConversationItemDelete(null, "item_unknown"));
            c.sendText("{\"type\":\"input_audio_buffer.clear\"}");
            WsClient.Received r;
            while ((r = c.nextRaw(Duration.ofSeconds(2))) != null && r.text() != null) {
                raw.add(r.text());
            }
        }

        assertThat(raw).hasSizeGreaterThan(20);
        List<String> problems = new ArrayList<>();
        for (String frame : raw) {
            JsonNode event = json.readTree(frame);
            String type = event.get("type").asText();
            JsonNode entry = null;
            for (JsonNode e : version) {
                if (e.get("type").asText().equals(type)) {
                    entry = e;
                }
            }
            if (entry == null) {
                problems.add(type + ": not in the catalog for " + dialect);
                continue;
            }
            for (JsonNode required : entry.get("required")) {
                if (!event.has(required.asText())) {
                    problems.add(type + ": missing required '" + required.asText() + "'");
                }
            }
            entry.get("properties").fields().forEachRemaining(p -> {
                JsonNode value = event.get(p.getKey());
                if (value != null && !value.isNull() && !matches(p.getValue().asText(), value)) {
                    problems.add(type + ": '" + p.getKey() + "' should be " + p.getValue().asText() + " but is " + value.getNodeType());
                }
            });
            EventCodec.of(dialect).decodeServerEvent(frame); // and the codec reads it as a known event
        }
        assertThat(problems).isEmpty();
    }

    private static boolean matches(String catalogType, JsonNode value) {
        return switch (catalogType) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "object" -> value.isObject();
            default -> catalogType.startsWith("Realtime") ? value.isObject() : catalogType.contains("array") ? value.isArray() : true;
        };
    }
}
