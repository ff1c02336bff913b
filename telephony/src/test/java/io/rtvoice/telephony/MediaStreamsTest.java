package io.rtvoice.telephony;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.rtvoice.emulator.Responder;
import io.rtvoice.testing.RawWebSocket;
import io.rtvoice.testing.RecordingTransport;
import io.rtvoice.transport.websocket.WebSocketTransport;
import io.rtvoice.voice.LocalVad;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * Carriers' media streams against the server on the emulator: Twilio and ACS as programs ({@link TwilioCaller},
 * {@link AcsCaller}) that stream espeak-ng speech at real-time pace and play what they are sent at their own clock.
 */
class MediaStreamsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String STORY = " Let me tell you a long story about the weather in many cities, one after the other,"
            + " slowly and in detail, so that there is plenty of time to interrupt me.";

    @TempDir
    Path dir;
    private RealtimeEmulator emulator;
    private RecordingTransport upstream;
    private MediaStreamServer server;
    private final List<CallEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        Responder standard = Responder.standard();
        emulator = RealtimeEmulator.builder().responder(turn -> standard.reply(turn) instanceof Responder.Reply.Speech s
                ? new Responder.Reply.Speech(s.transcript() + STORY) : standard.reply(turn)).pace(4).start();
        upstream = new RecordingTransport(WebSocketTransport.create());
    }

    private MediaStreamServer server(UnaryOperator<MediaStreamServer.Builder> options) {
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey("sk-streams-test-key")).transport(upstream).build();
        server = options.apply(MediaStreamServer.builder().client(client)).start();
        server.events().subscribe(events::add);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        emulator.close();
    }

    private static void until(BooleanSupplier condition) {
        Flux.interval(Duration.ofMillis(10)).filter(t -> condition.getAsBoolean()).blockFirst(WAIT);
    }

    @SuppressWarnings("unchecked")
    private <T extends CallEvent> T await(Class<T> type, Predicate<T> which) {
        until(() -> events.stream().anyMatch(e -> type.isInstance(e) && which.test((T) e)));
        return (T) events.stream().filter(e -> type.isInstance(e) && which.test((T) e)).findFirst().orElseThrow();
    }

    private <T extends CallEvent> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** espeak-ng saying {@code text}, at {@code rate}. */
    private short[] speech(String text, int rate) throws Exception {
        Wav.Audio audio = Signals.speech(text, dir.resolve(Integer.toHexString(text.hashCode()) + ".wav"));
        return Resampler.convert(Pcm.toShorts(audio.data()), audio.format().sampleRate(), rate);
    }

    private static short[] concat(short[]... parts) {
        int n = 0;
        for (short[] p : parts) {
            n += p.length;
        }
        short[] all = new short[n];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private short[] twoUtterances(int rate) throws Exception {
        return concat(new short[rate * 3 / 10], speech("What is the weather like in Paris today?", rate), new short[rate * 3],
                speech("Stop. Tell me about Rome instead.", rate), new short[rate]);
    }

    @Test
    void twilioTheAnswerIsHeardAndABargeInClearsAndTruncatesAtTheAcknowledgedPosition() throws Exception {
        MediaStreamServer s = server(b -> b);
        short[] said = twoUtterances(8_000);
        try (TwilioCaller twilio = TwilioCaller.dial(s).start()) {
            CallEvent.StreamStarted started = await(CallEvent.StreamStarted.class, e -> true);
            assertThat(started.callId()).isEqualTo(TwilioCaller.CALL_SID);
            assertThat(started.streamId()).isEqualTo(TwilioCaller.STREAM_SID);
            assertThat(started.parameters()).containsEntry("caller", "+15550001");
            twilio.speak(said);
            CallEvent.BargeIn cut = await(CallEvent.BargeIn.class, e -> true);
            until(() -> !twilio.playedAtClear.isEmpty());

            // audio/pcmu both ways, no transcoding.
            JsonNode audio = upstream.sent("session.update").get(0).path("session").path("audio");
            assertThat(audio.path("input").path("format").path("type").asText()).isEqualTo("audio/pcmu");
            assertThat(audio.path("output").path("format").path("type").asText()).isEqualTo("audio/pcmu");
            // Every media message is 20 ms with the stream's id, each followed by a mark.
            List<JsonNode> wire = List.copyOf(twilio.received); // one snapshot: the stream goes on meanwhile
            List<JsonNode> media = wire.stream().filter(m -> m.path("event").asText().equals("media")).toList();
            assertThat(media).isNotEmpty().allSatisfy(m -> {
                assertThat(m.path("streamSid").asText()).isEqualTo(TwilioCaller.STREAM_SID);
                assertThat(java.util.Base64.getDecoder().decode(m.path("media").path("payload").asText())).hasSize(160);
            });
            long marks = wire.stream().filter(m -> m.path("event").asText().equals("mark")).count();
            assertThat(marks).as("a mark after each chunk (the last may be on its way)").isBetween(media.size() - 1L, (long) media.size());
            assertThat(wire.stream().filter(m -> m.path("event").asText().equals("clear"))).hasSize(1);

            // The truncate is what Twilio acknowledged: what it had played when the clear came, within a chunk.
            List<JsonNode> truncates = upstream.sent("conversation.item.truncate");
            assertThat(truncates).hasSize(1);
            long audioEnd = truncates.get(0).path("audio_end_ms").asLong();
            long playedAtClear = twilio.playedAtClear.get(0);
            System.out.printf("twilio barge-in: truncated at %d ms, Twilio had played %d ms when the clear came; clear %d ms "
                    + "after speech_started%n", audioEnd, playedAtClear, cut.toSilence().toMillis());
            assertThat(audioEnd).isEqualTo(cut.sentMillis()).isPositive();
            assertThat(audioEnd).isBetween(playedAtClear - 40, playedAtClear + 20);
            // After the clear, the answer's audio stops: the next answer is the only audio sent.
            twilio.stop();
            CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
            assertThat(hungUp.by()).isEqualTo("caller");
            assertThat(hungUp.metrics().bargeIns()).isEqualTo(1);
            assertThat(hungUp.metrics().packetsIn()).isGreaterThan(100);
            assertThat(hungUp.metrics().rejected()).isZero();
            assertThat(upstream.connections.get(0).closeStatus().block(WAIT).code()).isEqualTo(1000);
        }
    }

    @Test
    void twilioWithLocalVadTheStreamTakesTheTurnsAndBargesInAtTheDetectorsStart() throws Exception {
        MediaStreamServer s = server(b -> b.localVad(LocalVad.of(LevelDetector.factory(-40))));
        short[] said = twoUtterances(8_000);
        try (TwilioCaller twilio = TwilioCaller.dial(s).start()) {
            await(CallEvent.StreamStarted.class, e -> true);
            twilio.speak(said);
            CallEvent.BargeIn cut = await(CallEvent.BargeIn.class, e -> true);
            until(() -> !twilio.playedAtClear.isEmpty());
            until(() -> upstream.sent("input_audio_buffer.commit").size() >= 2); // the second utterance's turn

            // The server's turn detection is off (null on the wire): the stream commits and asks for each answer.
            JsonNode input = upstream.sent("session.update").get(0).path("session").path("audio").path("input");
            assertThat(input.has("turn_detection")).isTrue();
            assertThat(input.get("turn_detection").isNull()).isTrue();
            List<String> types = upstream.sent.stream().map(m -> m.path("type").asText()).toList();
            int commit = types.indexOf("input_audio_buffer.commit");
            assertThat(commit).isNotNegative();
            assertThat(types.subList(commit, types.size())).contains("response.create");
            assertThat(upstream.received("input_audio_buffer.speech_started")).as("the server took no turn").isEmpty();
            // The first answer reached Twilio (generated long before it played); the caller's second utterance cut it here.
            assertThat(twilio.playedAtClear.get(0)).isPositive();
            assertThat(upstream.sent("conversation.item.truncate")).singleElement()
                    .satisfies(t -> assertThat(t.path("audio_end_ms").asLong()).isEqualTo(cut.sentMillis()));
            // Timed from the detector's start, as no speech_started comes from the server.
            assertThat(cut.toSilence()).isLessThan(Duration.ofSeconds(1));
            // Only speech went up: most of the 3 s between the utterances and the silence since were not sent.
            long streamedMillis = twilio.chunksSent * 20;
            long appendedMillis = upstream.sent("input_audio_buffer.append").stream()
                    .mapToLong(a -> java.util.Base64.getDecoder().decode(a.path("audio").asText()).length / 8).sum();
            System.out.printf("twilio local VAD: %d ms appended of %d ms streamed; clear %d ms after the detector's start%n",
                    appendedMillis, streamedMillis, cut.toSilence().toMillis());
            assertThat(appendedMillis).isLessThan(streamedMillis - 2_000);
            twilio.stop();
        }
        CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
        assertThat(hungUp.metrics().bargeIns()).isEqualTo(1);
    }

    @Test
    void twilioStopEndsTheRealtimeSession() throws Exception {
        MediaStreamServer s = server(b -> b);
        try (TwilioCaller twilio = TwilioCaller.dial(s).start()) {
            await(CallEvent.StreamStarted.class, e -> true);
            twilio.stop();
            CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
            assertThat(hungUp.by()).isEqualTo("caller");
            assertThat(hungUp.reason()).isEqualTo("Twilio stopped the stream");
            assertThat(upstream.connections.get(0).closeStatus().block(WAIT).code()).isEqualTo(1000);
            assertThat(twilio.awaitClose()).isEqualTo(1000);
            until(() -> s.activeStreams() == 0);
        }
    }

    @Test
    void aDroppedSocketEndsTheRealtimeSession() throws Exception {
        MediaStreamServer s = server(b -> b);
        TwilioCaller twilio = TwilioCaller.dial(s).start();
        await(CallEvent.StreamStarted.class, e -> true);
        twilio.drop();
        CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
        assertThat(hungUp.by()).isEqualTo("caller");
        assertThat(upstream.connections.get(0).closeStatus().block(WAIT).code()).isEqualTo(1000);
        until(() -> s.activeStreams() == 0);
    }

    @Test
    void twilioMalformedMessagesAreCountedAndDroppedAndDtmfReachesTheApp() throws Exception {
        MediaStreamServer s = server(b -> b);
        try (TwilioCaller twilio = TwilioCaller.dial(s)) {
            twilio.sendNow(twilio.media(new byte[160]));                      // 1: media before start
            twilio.sendNow("not json {");                                      // 2
            twilio.sendNow("[1,2]");                                           // 3: not an object
            twilio.sendNow("{\"event\":\"teleport\"}");                        // 4
            twilio.sendBinary(new byte[160]);                                  // 5: binary
            twilio.start();
            await(CallEvent.StreamStarted.class, e -> true);
            twilio.sendNow("{\"event\":\"media\",\"media\":{\"payload\":\"%%%not base64\"}}"); // 6
            twilio.sendNow("{\"event\":\"dtmf\",\"dtmf\":{\"track\":\"inbound_track\",\"digit\":\"X\"}}"); // 7
            twilio.sendNow("{\"event\":\"mark\",\"mark\":{\"name\":\"never-sent\"}}"); // ignored, not rejected
            twilio.start();                                                    // 8: a second start
            for (String digit : new String[] {"5", "#"}) {
                twilio.sendNow("{\"event\":\"dtmf\",\"streamSid\":\"" + TwilioCaller.STREAM_SID
                        + "\",\"dtmf\":{\"track\":\"inbound_track\",\"digit\":\"" + digit + "\"}}");
            }
            twilio.sendNow(twilio.media(new byte[160])); // a good one after all that: a live stream
            until(() -> all(CallEvent.Dtmf.class).size() >= 2);
            assertThat(all(CallEvent.Dtmf.class)).extracting(CallEvent.Dtmf::digit).containsExactly('5', '#');
            assertThat(all(CallEvent.Dtmf.class)).allSatisfy(d -> assertThat(d.callId()).isEqualTo(TwilioCaller.CALL_SID));
            twilio.stop();
            CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
            assertThat(hungUp.metrics().rejected()).isEqualTo(8);
            assertThat(hungUp.metrics().dtmfIn()).isEqualTo(2);
            assertThat(hungUp.metrics().packetsIn()).isEqualTo(1);
        }
    }

    @Test
    void anUnsupportedMediaFormatEndsTheStreamWith1008() {
        MediaStreamServer s = server(b -> b);
        try (TwilioCaller twilio = TwilioCaller.dial(s)) {
            twilio.sendNow("{\"event\":\"start\",\"streamSid\":\"MZ1\",\"start\":{\"streamSid\":\"MZ1\",\"callSid\":\"CA1\","
                    + "\"mediaFormat\":{\"encoding\":\"audio/x-l16\",\"sampleRate\":16000,\"channels\":1}}}");
            assertThat(twilio.awaitClose()).isEqualTo(1008);
        }
        CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
        assertThat(hungUp.by()).isEqualTo("gateway");
        assertThat(upstream.connections).as("no session was opened").isEmpty();
    }

    @Test
    void aMessageOverTheLimitClosesTheSocketWith1009AndStreamsOverTheLimitGet503() {
        MediaStreamServer s = server(b -> b.maxMessageBytes(1_024).maxStreams(1));
        try (TwilioCaller first = TwilioCaller.dial(s)) {
            until(() -> s.activeStreams() == 1);
            try {
                TwilioCaller.dial(s).close();
                throw new AssertionError("a second stream was accepted");
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
                assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(503);
            }
            first.sendNow("{\"event\":\"connected\",\"pad\":\"" + "x".repeat(4_096) + "\"}");
            assertThat(first.awaitClose()).isEqualTo(1009);
        }
        await(CallEvent.HungUp.class, e -> true);
        assertThat(s.refusedConnections()).isEqualTo(1);
    }

    @Test
    void aSilentStreamIsEndedWhenIdle() {
        MediaStreamServer s = server(b -> b.idleTimeout(Duration.ofMillis(500)));
        try (TwilioCaller twilio = TwilioCaller.dial(s).start()) {
            assertThat(twilio.awaitClose()).isEqualTo(1001);
        }
        CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
        assertThat(hungUp.by()).isEqualTo("gateway");
        assertThat(hungUp.reason()).isEqualTo("idle");
    }

    @Test
    void acsTheAnswerIsHeardAndABargeInStopsAudioAndTruncatesAtTheSentPosition() throws Exception {
        MediaStreamServer s = server(b -> b);
        short[] said = twoUtterances(16_000);
        try (AcsCaller acs = AcsCaller.dial(s, 16_000).metadata()) {
            CallEvent.StreamStarted started = await(CallEvent.StreamStarted.class, e -> true);
            assertThat(started.callId()).isEqualTo(AcsCaller.SUBSCRIPTION);
            assertThat(started.sampleRate()).isEqualTo(16_000);
            acs.speak(said);
            CallEvent.BargeIn cut = await(CallEvent.BargeIn.class, e -> true);
            until(() -> !acs.receivedAtStop.isEmpty());

            // The session's wire stays PCM16 at 24 kHz; the stream's 16 kHz is resampled by the session.
            JsonNode audio = upstream.sent("session.update").get(0).path("session").path("audio");
            assertThat(audio.path("input").path("format").path("type").asText()).isEqualTo("audio/pcm");
            assertThat(audio.path("input").path("format").path("rate").asInt()).isEqualTo(24_000);
            List<JsonNode> data = acs.received.stream().filter(m -> m.path("kind").asText().equals("AudioData")).toList();
            assertThat(data).isNotEmpty().allSatisfy(m ->
                    assertThat(java.util.Base64.getDecoder().decode(m.path("audioData").path("data").asText())).hasSize(640));
            assertThat(acs.received.stream().filter(m -> m.path("kind").asText().equals("StopAudio")))
                    .singleElement().satisfies(m -> assertThat(m.toString()).isEqualTo("{\"kind\":\"StopAudio\",\"audioData\":null,\"stopAudio\":{}}"));

            // The truncate is what was sent in real time: what ACS had received of the answer when StopAudio came.
            long audioEnd = upstream.sent("conversation.item.truncate").get(0).path("audio_end_ms").asLong();
            long receivedAtStop = acs.receivedAtStop.get(0);
            System.out.printf("acs barge-in: truncated at %d ms, ACS had received %d ms when StopAudio came%n", audioEnd,
                    receivedAtStop);
            assertThat(audioEnd).isEqualTo(cut.sentMillis()).isPositive();
            assertThat(audioEnd).isBetween(receivedAtStop - 40, receivedAtStop + 20);
        }
        CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
        assertThat(hungUp.by()).isEqualTo("caller");
        assertThat(hungUp.metrics().turns()).isGreaterThanOrEqualTo(1);
        assertThat(upstream.connections.get(0).closeStatus().block(WAIT).code()).isEqualTo(1000);
    }

    @Test
    void acsMalformedMessagesAreCountedAndDroppedAndDtmfReachesTheApp() {
        MediaStreamServer s = server(b -> b);
        try (AcsCaller acs = AcsCaller.dial(s, 24_000)) {
            acs.sendNow(acs.inbound(new short[480]));                                        // 1: before metadata
            acs.sendNow("{\"kind\":\"Teleport\"}");                                            // 2
            acs.sendNow("{\"kind\":\"DtmfData\",\"dtmfData\":{\"data\":\"1\"}}");           // 3: before metadata
            acs.metadata();
            await(CallEvent.StreamStarted.class, e -> true);
            acs.sendNow("{\"kind\":\"AudioData\",\"audioData\":{\"data\":\"@@@\"}}");         // 4
            acs.sendNow("{\"kind\":\"AudioData\",\"audioData\":{\"data\":\"AAAA\"}}");        // 5: 3 bytes
            acs.metadata();                                                                    // 6
            acs.sendNow("{\"kind\":\"DtmfData\",\"dtmfData\":{\"data\":\"Q\"}}");           // 7
            acs.sendNow("{\"kind\":\"DtmfData\",\"dtmfData\":{\"data\":\"9\"}}");           // a key
            acs.sendNow("{\"kind\":\"AudioData\",\"audioData\":{\"data\":\"\",\"silent\":true}}"); // silent: fine
            acs.sendNow(acs.inbound(new short[480]));
            until(() -> upstream.sent("input_audio_buffer.append").size() > 0);
        }
        CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
        assertThat(hungUp.metrics().rejected()).isEqualTo(7);
        assertThat(hungUp.metrics().packetsIn()).isEqualTo(1);
        assertThat(hungUp.metrics().dtmfIn()).isEqualTo(1);
        assertThat(all(CallEvent.Dtmf.class)).singleElement().satisfies(d -> {
            assertThat(d.digit()).isEqualTo('9');
            assertThat(d.callId()).isEqualTo(AcsCaller.SUBSCRIPTION);
        });
        assertThat(upstream.connections.get(0).closeStatus().block(WAIT).code()).isEqualTo(1000);
    }

    @Test
    void requestsThatAreNotUpgradesGet426AndTakeNoPlace() throws Exception {
        MediaStreamServer s = server(b -> b.maxStreams(2));
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/twilio", "/acs")) {
            for (int i = 0; i < 5; i++) { // a health check, a scanner: more of them than there are places
                java.net.http.HttpResponse<String> res = http.send(java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + s.port() + path)).timeout(WAIT).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).isEqualTo(426);
            }
            assertThat(RawWebSocket.upgrade(s.port(), path, "127.0.0.1:" + s.port(), null, "8")).as("an old WebSocket version").startsWith("HTTP/1.1 426");
        }
        try (TwilioCaller twilio = TwilioCaller.dial(s).start(); AcsCaller acs = AcsCaller.dial(s, 16_000).metadata()) {
            until(() -> all(CallEvent.StreamStarted.class).size() == 2);
        }
        assertThat(s.refusedConnections()).isZero();
    }

    @Test
    void aCarrierThatStopsReadingIsCutAndItsPlaceAndSessionFreed() throws Exception {
        emulator.close(); // one whose answer goes on for minutes: the server has audio to send all along
        emulator = RealtimeEmulator.builder().monologue(Duration.ofMinutes(5)).start();
        MediaStreamServer s = server(b -> b.maxStreams(1).maxQueuedBytes(64 * 1024));
        short[] said = concat(speech("Tell me a long story.", 16_000), new short[16_000]); // a second of silence after it
        AcsCaller format = new AcsCaller(16_000);
        try (RawWebSocket acs = RawWebSocket.open(s.port(), "/acs")) {
            acs.text("{\"kind\":\"AudioMetadata\",\"audioMetadata\":{\"subscriptionId\":\"" + AcsCaller.SUBSCRIPTION
                    + "\",\"encoding\":\"PCM\",\"sampleRate\":16000,\"channels\":1,\"length\":640}}");
            await(CallEvent.StreamStarted.class, e -> true);
            for (int at = 0; at < said.length; at += 320) {
                acs.text(format.inbound(java.util.Arrays.copyOfRange(said, at, Math.min(said.length, at + 320))));
            }
            // From now on it reads nothing but goes on sending silence, so the stream is never idle.
            reactor.core.Disposable talking = Flux.interval(Duration.ofMillis(20), reactor.core.scheduler.Schedulers.boundedElastic())
                    .subscribe(t -> {
                        try {
                            acs.text(format.inbound(new short[320]));
                        } catch (java.io.IOException cut) {
                            // the server has cut it
                        }
                    });
            try {
                CallEvent.HungUp hungUp = await(CallEvent.HungUp.class, e -> true);
                assertThat(hungUp.by()).isEqualTo("gateway");
                assertThat(hungUp.reason()).isEqualTo("the carrier does not read");
            } finally {
                talking.dispose();
            }
            // The Realtime session is closed, the place freed, the connection cut: no close frame could reach it.
            assertThat(upstream.connections.get(0).closeStatus().block(WAIT)).isNotNull();
            until(() -> s.activeStreams() == 0);
            assertThat(acs.drainToEnd()).as("the connection ends without a close frame").isFalse();
        }
        try (AcsCaller again = AcsCaller.dial(s, 16_000).metadata()) {
            until(() -> all(CallEvent.StreamStarted.class).size() == 2); // the place is free again
        }
    }

    @Test
    void closingWaitsForEveryLiveStreamsHungUpBeforeTheEventsComplete() throws Exception {
        MediaStreamServer s = server(b -> b);
        try (TwilioCaller one = TwilioCaller.dial(s).start(); AcsCaller two = AcsCaller.dial(s, 16_000).metadata();
                AcsCaller three = AcsCaller.dial(s, 24_000).metadata()) {
            until(() -> all(CallEvent.StreamStarted.class).size() == 3);
            java.util.concurrent.CompletableFuture<List<CallEvent>> reported = s.events().collectList().toFuture();
            s.closeGracefully().block(WAIT);
            assertThat(reported.get(WAIT.toSeconds(), TimeUnit.SECONDS)).filteredOn(CallEvent.HungUp.class::isInstance)
                    .hasSize(3).allSatisfy(e -> assertThat(((CallEvent.HungUp) e).reason()).isEqualTo("the server is shutting down"));
        }
    }

    @Test
    void aWrongPathIsNotFound() throws Exception {
        MediaStreamServer s = server(b -> b);
        try {
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + s.port() + "/other"),
                    new java.net.http.WebSocket.Listener() { }).orTimeout(20, TimeUnit.SECONDS).join();
            throw new AssertionError("connected");
        } catch (CompletionException e) {
            assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(404);
        }
    }
}
