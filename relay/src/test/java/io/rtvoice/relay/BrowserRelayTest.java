package io.rtvoice.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtvoice.ClientSecrets;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.Responder;
import io.rtvoice.testing.MovableClock;
import io.rtvoice.testing.RecordingTransport;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.websocket.WebSocketTransport;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import reactor.core.publisher.Flux;

/**
 * The quickstart's web sample, for real: headless Chromium opens the relay's page, its fake microphone plays
 * espeak-ng speech, the relay bridges it to the emulator. What the page shows and reports is checked against
 * what went on the wire to the service.
 */
class BrowserRelayTest {

    private static final Duration TURN = Duration.ofSeconds(30);
    private static final int FADE_MS = 10;
    private static final String KEY = "sk-relay-test-key";
    private static final String STORY = " Let me tell you a long story about the weather in many cities, one after the other,"
            + " slowly and in detail, so that there is plenty of time to interrupt me."; // the playout buffer's fade at a flush, played after the clear

    @TempDir
    Path dir;
    private RealtimeEmulator emulator;
    private RecordingTransport upstream;
    private VoiceRelay relay;
    private final List<RelaySessionSummary> ended = new CopyOnWriteArrayList<>();

    private final MovableClock clock = new MovableClock(Instant.now());

    @BeforeEach
    void start() {
        // The emulator's answer, then a long story: the second utterance surely comes while the first answer plays.
        // Sent 4x faster than real time, so that the relay's playout buffer never runs dry on a loaded machine: the
        // silence it would conceal plays at the page but is no part of the answer, which would make the page's count
        // since the answer's onset differ from what was heard of the answer.
        Responder standard = Responder.standard();
        emulator = RealtimeEmulator.builder().responder(turn -> standard.reply(turn) instanceof Responder.Reply.Speech s
                ? new Responder.Reply.Speech(s.transcript() + STORY) : standard.reply(turn)).clock(clock).pace(4).start();
        upstream = new RecordingTransport(WebSocketTransport.create());
        RealtimeClient client = RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                .credentials(Credentials.apiKey(KEY)).transport(upstream).build();
        ClientSecrets secrets = ClientSecrets.builder().endpoint(client.endpoint()).credentials(Credentials.apiKey(KEY)).build();
        relay = VoiceRelay.builder().client(client).ephemeralKeys(secrets, Duration.ofMinutes(1)).start();
        relay.sessions().subscribe(ended::add);
    }

    @AfterEach
    void stop() {
        relay.close();
        emulator.close();
    }

    @Test
    void aSpokenTurnThenABargeInTruncatedAtWhatThePagePlayedThenStop() throws Exception {
        short[] first = speech("What is the weather like in Paris today?");
        Path microphone = microphone(first);

        try (Chromium chromium = Chromium.withMicrophone(microphone)) {
            chromium.driver().get(relay.uri().toString());
            chromium.await("document.getElementById('record') && !document.getElementById('record').disabled", TURN);
            chromium.driver().findElement(By.id("record")).click();
            chromium.await("window.stats.state === 'recording'", TURN);

            // The first turn: the page shows the emulator's answer to what was said, and plays it.
            chromium.await("window.stats.transcript.some(t => t.speaker === 'assistant' && t.done)", TURN);
            String answer = (String) chromium.eval("window.stats.transcript.find(t => t.speaker === 'assistant').text");
            Matcher heard = Pattern.compile("You said: audio of (\\d+) milliseconds").matcher(answer);
            assertThat(heard.find()).as(answer).isTrue();
            double spokenMillis = first.length * 1000.0 / 22_050;
            // The emulator's transcript is the length of the committed turn: the speech, with the VAD's padding.
            assertThat(Double.parseDouble(heard.group(1))).as("the answer is to the first utterance")
                    .isBetween(spokenMillis, spokenMillis + 1_200);
            chromium.await("window.stats.transcript.some(t => t.speaker === 'user' && t.done)", TURN);
            assertThat((String) chromium.eval("window.stats.transcript.find(t => t.speaker === 'user').text"))
                    .isEqualTo("audio of " + heard.group(1) + " milliseconds");

            // The second utterance barges in: the page clears and the truncate is what the page had played.
            chromium.await("window.stats.clears.length > 0 && window.stats.interruptions.length > 0", TURN);
            long onset = chromium.number("window.stats.onsets[0]");
            long playedAtClear = chromium.number("window.stats.clears[0].played");
            assertThat(playedAtClear - onset).as("the answer had been playing").isGreaterThan(24_000 / 2);
            List<JsonNode> truncates = upstream.sent("conversation.item.truncate");
            assertThat(truncates).hasSize(1);
            long audioEndMs = truncates.get(0).path("audio_end_ms").asLong();
            long pagePlayedMs = (playedAtClear - onset) * 1000 / 24_000 + FADE_MS;
            System.out.printf("browser: the page played %d ms of the answer before the clear (+%d ms fade); truncate at %d ms%n",
                    pagePlayedMs - FADE_MS, FADE_MS, audioEndMs);
            assertThat(audioEndMs).isBetween(pagePlayedMs - 3, pagePlayedMs + 3);
            assertThat(chromium.number("window.stats.interruptions[0].playedMs")).isEqualTo(audioEndMs);

            // The second utterance is answered too, and the page's counts say the answer played.
            chromium.await("window.stats.turns >= 2 && window.stats.transcript.filter(t => t.speaker === 'assistant' && t.done).length >= 2", TURN);
            chromium.await("window.stats.latencies.some(l => l.kind === 'voice_to_voice')", TURN);
            assertThat(chromium.number("window.stats.played")).isGreaterThan(playedAtClear);
            assertThat(chromium.number("window.stats.captured")).isGreaterThan(24_000L * 4);

            Files.createDirectories(Path.of("target", "screenshots"));
            Files.write(Path.of("target", "screenshots", "relay-page.png"), chromium.driver().getScreenshotAs(OutputType.BYTES));

            // Stop ends the session on both sides: the page's, the relay's, and the service's.
            chromium.driver().findElement(By.id("stop")).click();
            chromium.await("window.stats.state === 'stopped'", TURN);
        }
        CloseStatus serviceSide = upstream.connections.get(0).closeStatus().block(TURN);
        assertThat(serviceSide.code()).isEqualTo(1000);
        Flux.interval(Duration.ofMillis(20)).filter(t -> !ended.isEmpty()).blockFirst(TURN);
        RelaySessionSummary summary = ended.get(0);
        assertThat(summary.endedBy()).isEqualTo("stopped by the page");
        assertThat(summary.turns()).isGreaterThanOrEqualTo(2);
        assertThat(summary.toString()).doesNotContain(KEY);
        assertThat(relay.activeSessions()).isZero();
    }

    @Test
    void directlyWithAKeyMintedForThePageWhichThenExpires() throws Exception {
        short[] first = speech("What is the weather like in Paris today?");
        Path microphone = microphone(first);

        try (Chromium chromium = Chromium.withMicrophone(microphone)) {
            chromium.driver().get(relay.uri() + "?mode=direct");
            chromium.await("!document.getElementById('mode-row').hidden && document.getElementById('mode').value === 'direct'", TURN);
            chromium.driver().findElement(By.id("record")).click();
            chromium.await("window.stats.state === 'recording'", TURN);
            assertThat(relay.keysMinted()).isEqualTo(1);
            assertThat(relay.activeSessions()).as("the page talks to the service, not through the relay").isZero();
            // Checked on the page: the key is never read into the test, where a driver's log would hold it.
            assertThat(chromium.eval("/^ek_[A-Za-z0-9_-]+$/.test(window.stats.key.value)")).isEqualTo(true);

            // A spoken turn, straight to the service: the answer is to what was said.
            chromium.await("window.stats.transcript.some(t => t.speaker === 'assistant' && t.done)", TURN);
            assertThat((String) chromium.eval("window.stats.transcript.find(t => t.speaker === 'assistant').text"))
                    .startsWith("You said: audio of ");
            // Barge-in by the page itself: its player's count at the clear is where it truncated, which the service took.
            chromium.await("window.stats.interruptions.length > 0 && window.stats.turns >= 2", TURN);
            long onset = chromium.number("window.stats.onsets[0]");
            long playedAtClear = chromium.number("window.stats.clears[0].played");
            long truncatedMs = chromium.number("window.stats.interruptions[0].playedMs");
            System.out.printf("browser, direct: the page played %d ms of the answer, truncated at %d ms%n",
                    (playedAtClear - onset) * 1000 / 24_000, truncatedMs);
            assertThat(truncatedMs).isGreaterThan(500).isBetween((playedAtClear - onset) * 1000 / 24_000 - 2,
                    (playedAtClear - onset) * 1000 / 24_000 + 2);
            assertThat((java.util.List<?>) chromium.eval("window.stats.errors")).as("the service accepted the truncate").isEmpty();
            chromium.driver().findElement(By.id("stop")).click();
            chromium.await("window.stats.state === 'stopped'", TURN);
            assertThat(chromium.driver().getPageSource()).doesNotContain(KEY);

            // The key outlives nothing: once its minute is over, the service refuses it.
            clock.advance(Duration.ofSeconds(61));
            chromium.eval("(() => { window.expired = 'pending'; const ws = new WebSocket(window.stats.key.url, ['realtime', "
                    + "'openai-insecure-api-key.' + window.stats.key.value]); ws.onopen = () => { window.expired = 'opened'; }; "
                    + "ws.onclose = (e) => { if (window.expired === 'pending') window.expired = 'refused ' + e.code; }; })()");
            chromium.await("window.expired !== 'pending'", TURN);
            assertThat((String) chromium.eval("window.expired")).isEqualTo("refused 1006");
        }
    }

    /** The fake microphone: {@code first}, then while its answer plays a second utterance, then silence. */
    private Path microphone(short[] first) throws Exception {
        short[] second = speech("Stop. Tell me about Rome instead.");
        Path microphone = dir.resolve("microphone.wav");
        writeWav(microphone, concat(silence(0.7), first, silence(3.0), second, silence(12)));
        return microphone;
    }

    private short[] speech(String text) throws Exception {
        Wav.Audio audio = Signals.speech(text, dir.resolve(Integer.toHexString(text.hashCode()) + ".wav"));
        assertThat(audio.format().sampleRate()).isEqualTo(22_050);
        return io.rtvoice.audio.Pcm.toShorts(audio.data());
    }

    private static short[] silence(double seconds) {
        return new short[(int) (seconds * 22_050)];
    }

    private static short[] concat(short[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (short[] part : parts) {
            out.writeBytes(io.rtvoice.audio.Pcm.toBytes(part));
        }
        return io.rtvoice.audio.Pcm.toShorts(out.toByteArray());
    }

    private static void writeWav(Path file, short[] samples) throws Exception {
        Wav.write(file, AudioFormat.pcm16(22_050, 1), io.rtvoice.audio.Pcm.toBytes(samples));
    }

}
