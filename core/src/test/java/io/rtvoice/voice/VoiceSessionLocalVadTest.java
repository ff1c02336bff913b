package io.rtvoice.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.spi.EchoCanceller;
import io.rtvoice.audio.spi.VoiceActivityDetector;
import io.rtvoice.audio.testing.LevelDetector;
import io.rtvoice.audio.testing.MemoryBackend;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.audio.testing.ToneFit;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import io.rtvoice.testing.InMemoryTransport;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Local turn taking ({@link VoiceSession.Mode#LOCAL_VAD}) and echo cancellation in the voice session, with no
 * Netty and no sound: the in-memory transport as the service, the memory backend as the devices (16 kHz, so
 * capture and playback resample), and a level detector as the voice activity detector, so that where speech
 * starts and stops follows from the signal alone. Audio given to {@link VoiceSession#send} goes through the
 * same path as captured audio, at the caller's pace: the tests that need the model to be speaking at that
 * moment use it.
 */
class VoiceSessionLocalVadTest {

    private static final Duration TIMEOUT = InMemoryTransport.TIMEOUT;
    private static final int WIRE = RealtimeAudioFormat.PCM_RATE_HZ;
    private static final int DEVICE = 16_000;
    /** Speech is a frame louder than −40 dBFS. */
    private static final double LEVEL = -40;

    @Test
    void localVadTurnsTheServersTurnDetectionOffWhenTheConfigurationAsksForNone() {
        for (SessionConfig config : new SessionConfig[] {null, SessionConfig.builder().instructions("be brief").build(),
                SessionConfig.builder().turnDetection(TurnDetection.DISABLED).build()}) {
            try (InMemoryTransport service = InMemoryTransport.realtime()) {
                Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
                VoiceSession voice = VoiceSession.builder().conversation(conversation).session(config)
                        .output(new MemoryBackend.Recorder()).localVad(LocalVad.of(LevelDetector.factory(LEVEL))).build();
                voice.start().block(TIMEOUT);
                JsonNode update = service.connection(0).awaitReceived("session.update");
                voice.close();

                JsonNode input = update.at("/session/audio/input");
                assertThat(input.has("turn_detection")).as("turn detection sent, for %s", config).isTrue();
                assertThat(input.get("turn_detection").isNull()).as("turn detection off, for %s", config).isTrue();
            }
        }
    }

    @Test
    void localVadKeepsTheServersTurnDetectionWhenTheConfigurationAsksForItAndLeavesTheCommitToTheServer() {
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            VoiceSession voice = VoiceSession.builder().conversation(conversation)
                    .session(SessionConfig.builder().turnDetection(TurnDetection.serverVad(0.6, 300, 500)).build())
                    .output(new MemoryBackend.Recorder()).localVad(LocalVad.of(LevelDetector.factory(LEVEL))).build();
            List<SpeechEvent> speech = new CopyOnWriteArrayList<>();
            voice.speech().subscribe(speech::add);
            voice.start().block(TIMEOUT);
            InMemoryTransport.Server server = service.connection(0);
            JsonNode update = server.awaitReceived("session.update");

            // Sent here, on this thread: everything it decides (appends, a commit if any) is sent when send returns.
            voice.send(Pcm.toBytes(concat(silence(WIRE, 0.2), Signals.tone(440, WIRE, 0.3, 0.3), silence(WIRE, 0.6))));
            conversation.clearAudio(); // a marker: whatever the speech sent is before it
            server.awaitReceived("input_audio_buffer.clear");
            voice.close();

            JsonNode turnDetection = update.at("/session/audio/input/turn_detection");
            assertThat(turnDetection.path("type").asText()).isEqualTo("server_vad");
            assertThat(turnDetection.path("silence_duration_ms").asInt()).isEqualTo(500);
            assertThat(speech).extracting(SpeechEvent::kind).containsExactly(SpeechEvent.Kind.STARTED, SpeechEvent.Kind.STOPPED);
            assertThat(server.receivedTypes()).contains("input_audio_buffer.append")
                    .doesNotContain("input_audio_buffer.commit", "response.create", "response.cancel");
            // The server takes the turns: it gets all the audio, silence included, to find their ends itself.
            assertThat(appends(server).stream().mapToInt(a -> a.length).sum()).isEqualTo(ms(1_100));
        }
    }

    @Test
    void onlySpeechIsSentWithItsPreRollAndItsEndCommitsTheTurnAndAsksForTheResponse() {
        // Captured at the device's 16 kHz: 1 s of silence, 600 ms of voice, 800 ms of silence.
        short[] clip = concat(silence(DEVICE, 1.0), Signals.tone(440, DEVICE, 0.3, 0.6), silence(DEVICE, 0.8));
        AtomicInteger detectorsClosed = new AtomicInteger();
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            MemoryBackend backend = new MemoryBackend(clip);
            VoiceSession voice = VoiceSession.builder().conversation(conversation)
                    .input(backend.openCapture(null)).output(backend.openPlayback(null))
                    .localVad(LocalVad.of(LevelDetector.factory(LEVEL, detectorsClosed))).build();
            List<SpeechEvent> speech = new CopyOnWriteArrayList<>();
            voice.speech().subscribe(speech::add);
            voice.start().block(TIMEOUT);
            InMemoryTransport.Server server = service.connection(0);

            server.awaitReceived("response.create");
            awaitThat(() -> speech.size() == 2);
            voice.close();
            List<String> types = server.receivedTypes();
            List<short[]> appends = appends(server);

            // The burst's bounds, within a 10 ms frame and the resampler's delay.
            assertThat(speech).extracting(SpeechEvent::kind).containsExactly(SpeechEvent.Kind.STARTED, SpeechEvent.Kind.STOPPED);
            assertThat(speech.get(0).positionMillis()).isBetween(1_000L - 30, 1_000L + 30);
            assertThat(speech.get(1).positionMillis()).isBetween(1_600L - 30, 1_600L + 30);

            // The turn is committed after its last audio, then answered: once each.
            int lastAppend = types.lastIndexOf("input_audio_buffer.append");
            int commit = types.indexOf("input_audio_buffer.commit");
            int create = types.indexOf("response.create");
            assertThat(lastAppend).isGreaterThanOrEqualTo(0);
            assertThat(commit).isGreaterThan(lastAppend);
            assertThat(create).isGreaterThan(commit);
            assertThat(types.stream().filter("input_audio_buffer.commit"::equals)).hasSize(1);
            assertThat(types.stream().filter("response.create"::equals)).hasSize(1);

            // The first append is the pre-roll (300 ms of the silence before) and the onset (30 ms), up to one period's rest.
            short[] first = appends.get(0);
            assertThat(first.length).isBetween(ms(330), ms(350));
            int onset = firstAbove(first, 300);
            assertThat(onset).isBetween(ms(300) - ms(5), ms(310) + ms(5));
            assertThat(Signals.rmsDbfs(first, 0, onset - ms(5))).as("the pre-roll is the silence before").isLessThan(-60);
            assertThat(Signals.rmsDbfs(first, onset + ms(5), first.length)).isGreaterThan(-20);

            // All that was sent: the pre-roll, the burst, and the 500 ms of silence that ended it; none of the rest.
            short[] sent = concat(appends.toArray(short[][]::new));
            assertThat(sent.length).isBetween(ms(300 + 600 + 500) - ms(20), ms(300 + 600 + 500) + ms(20));
            int loud = 0;
            for (short s : sent) {
                loud += Math.abs(s) > 300 ? 1 : 0;
            }
            assertThat(loud).isBetween(ms(600) * 95 / 100, ms(600) + ms(5)); // all but the zero crossings
            assertThat(Signals.rmsDbfs(sent, sent.length - ms(480), sent.length)).as("the silence that ended it").isLessThan(-60);
            assertThat(detectorsClosed).hasValue(1);
        }
    }

    @Test
    void speechStartingWhileTheModelSpeaksInterruptsItAtOnceWithoutTheServer() {
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            MemoryBackend.Recorder speaker = new MemoryBackend.Recorder();
            VoiceSession voice = VoiceSession.builder().conversation(conversation).output(speaker)
                    .localVad(LocalVad.of(LevelDetector.factory(LEVEL))).build();
            List<SpeechEvent> speech = new CopyOnWriteArrayList<>();
            List<VoiceSession.Interruption> cuts = new CopyOnWriteArrayList<>();
            voice.speech().subscribe(speech::add);
            voice.interruptions().subscribe(cuts::add);
            voice.start().block(TIMEOUT);
            InMemoryTransport.Server server = service.connection(0);

            // Two seconds of answer; the user speaks once 300 ms of it have been heard.
            server.push(InMemoryTransport.responseCreated("resp_1"));
            server.push(delta("resp_1", "item_1", Pcm.toBytes(Signals.tone(300, WIRE, 0.4, 2.0))));
            awaitThat(() -> loud(speaker.recording()) >= DEVICE * 3 / 10);
            voice.send(Pcm.toBytes(concat(silence(WIRE, 0.1), Signals.tone(440, WIRE, 0.3, 0.2))));

            JsonNode truncate = server.awaitReceived("conversation.item.truncate");
            server.awaitReceived("response.cancel");
            awaitThat(() -> !cuts.isEmpty());
            List<String> types = server.receivedTypes();
            int playedAtCut = loud(speaker.recording());
            voice.close();

            assertThat(speech).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo(SpeechEvent.Kind.STARTED);
                assertThat(e.positionMillis()).isBetween(100L - 10, 100L + 10);
            });
            // Cut first, then cancelled (its response.done must not let buffered audio drain out); no commit yet.
            assertThat(types.indexOf("response.cancel")).isGreaterThan(types.indexOf("conversation.item.truncate"));
            assertThat(types).doesNotContain("input_audio_buffer.commit", "conversation.item.delete");
            assertThat(truncate.path("item_id").asText()).isEqualTo("item_1");
            long audioEnd = truncate.path("audio_end_ms").asLong();
            assertThat(audioEnd).isBetween(300L - 20, 2_000L - 100);
            assertThat(cuts).singleElement().isEqualTo(new VoiceSession.Interruption("item_1", 2_000, audioEnd, false));
            // Silence came at once: what played is about what the truncation says, not the two seconds.
            assertThat(playedAtCut / (DEVICE / 1000)).isLessThan((int) audioEnd + 60);
        }
    }

    @Test
    void theLevelGateKeepsAVoiceFarUnderWhatPlaysFromInterruptingIt() {
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            MemoryBackend.Recorder speaker = new MemoryBackend.Recorder();
            VoiceSession voice = VoiceSession.builder().conversation(conversation).output(speaker)
                    .localVad(LocalVad.builder(LevelDetector.factory(LEVEL)).bargeInGateDb(-20).build()).build();
            List<SpeechEvent> speech = new CopyOnWriteArrayList<>();
            voice.speech().subscribe(speech::add);
            voice.start().block(TIMEOUT);
            InMemoryTransport.Server server = service.connection(0);
            // −33.5 dBFS: speech to the detector, but 24.5 dB under the −9 dBFS answer, past the −20 dB gate.
            byte[] quiet = Pcm.toBytes(concat(silence(WIRE, 0.1), Signals.tone(440, WIRE, 0.03, 0.2), silence(WIRE, 0.6)));
            byte[] louder = Pcm.toBytes(concat(silence(WIRE, 0.1), Signals.tone(440, WIRE, 0.3, 0.2)));

            // Nothing plays: the quiet voice is a turn.
            voice.send(quiet);
            assertThat(speech).extracting(SpeechEvent::kind).containsExactly(SpeechEvent.Kind.STARTED, SpeechEvent.Kind.STOPPED);
            server.awaitReceived("response.create");

            // The answer plays: the same voice is taken for residual echo; a louder one interrupts.
            server.push(InMemoryTransport.responseCreated("resp_1"));
            server.push(delta("resp_1", "item_1", Pcm.toBytes(Signals.tone(300, WIRE, 0.5, 3.0))));
            awaitThat(() -> loud(speaker.recording()) >= DEVICE * 3 / 10);
            voice.send(quiet);
            assertThat(speech).as("the quiet voice under the answer").hasSize(2);
            assertThat(server.receivedTypes()).doesNotContain("conversation.item.truncate", "response.cancel");
            assertThat(loud(speaker.recording())).as("still playing").isGreaterThanOrEqualTo(DEVICE * 3 / 10);
            voice.send(louder);
            server.awaitReceived("conversation.item.truncate");
            server.awaitReceived("response.cancel");
            voice.close();

            assertThat(speech).extracting(SpeechEvent::kind)
                    .containsExactly(SpeechEvent.Kind.STARTED, SpeechEvent.Kind.STOPPED, SpeechEvent.Kind.STARTED);
            // Positions count all the audio given: 900 ms each time, then the louder one's 100 ms of silence.
            assertThat(speech.get(2).positionMillis()).isBetween(1_900L - 10, 1_900L + 10);
        }
    }

    @Test
    void theEchoCancellerHearsExactlyWhatIsPlayedAndWhatItLeavesIsWhatIsSent() {
        // The user's audio: the "echo", a 1 kHz tone the canceller knows, over a quieter 300 Hz voice; 1 s at 16 kHz.
        short[] echo = Signals.tone(1_000, DEVICE, 0.5, 1.0);
        short[] voiceTone = Signals.tone(300, DEVICE, 0.1, 1.0);
        short[] clip = new short[echo.length];
        for (int i = 0; i < clip.length; i++) {
            clip[i] = (short) (echo[i] + voiceTone[i]);
        }
        short[] answer = Signals.tone(500, WIRE, 0.4, 0.5);
        NotchCanceller canceller = new NotchCanceller(1_000);
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            MemoryBackend backend = new MemoryBackend(clip);
            MemoryBackend.Recorder speaker = backend.openPlayback(null);
            VoiceSession voice = VoiceSession.builder().conversation(conversation)
                    .input(backend.openCapture(null)).output(speaker).echoCanceller(canceller).build();
            voice.start().block(TIMEOUT);
            InMemoryTransport.Server server = service.connection(0);

            server.push(InMemoryTransport.responseCreated("resp_1"));
            server.push(delta("resp_1", "item_1", Pcm.toBytes(answer)));
            server.push(InMemoryTransport.responseDone("resp_1"));
            server.received().filter(e -> e.path("type").asText().equals("input_audio_buffer.append"))
                    .map(e -> (long) Base64.getDecoder().decode(e.path("audio").asText()).length)
                    .scan(0L, Long::sum).filter(total -> total >= 2L * (WIRE - ms(20))).blockFirst(TIMEOUT);
            // The whole answer has been heard, and 100 ms of the silence after it.
            awaitThat(() -> loud(speaker.recording()) >= loud(answer) * 2 / 3 * 9 / 10 && trailingQuiet(speaker.recording()) >= 1_600);
            int playedBefore = speaker.recording().length;
            short[] fed = canceller.played();
            int playedAfter = speaker.recording().length;
            voice.close();
            short[] sent = concat(appends(server).toArray(short[][]::new));

            assertThat(canceller.rates).containsExactly(WIRE, WIRE);
            assertThat(canceller.delayHint).isGreaterThanOrEqualTo(40); // the device's 40 ms buffer, at least
            assertThat(canceller.closes).hasValue(1);
            // Far end: as many samples as the speaker played (at 24 kHz rather than its 16), ahead of it by at most
            // the device's buffer and the period being written, behind it by at most a part-filled 10 ms frame.
            assertThat(fed.length).isBetween(playedBefore * 3 / 2 - ms(10) - 48, playedAfter * 3 / 2 + ms(40 + 20 + 10));
            // ... and it is the answer, sample for sample, in silence.
            int start = 0;
            while (fed[start] == 0) {
                start++;
            }
            start--; // the tone's first sample is 0
            assertThat(Arrays.copyOfRange(fed, start, start + answer.length)).isEqualTo(answer);
            assertThat(loud(fed)).isEqualTo(loud(answer));
            // Near end: what was sent is what the canceller left, the 300 Hz voice without the 1 kHz echo.
            assertThat(sent.length).isBetween(WIRE - ms(20), WIRE + ms(20));
            double[] amplitudes = ToneFit.amplitudes(Pcm.toFloats(sent), ms(50), 1_000.0 / WIRE, 300.0 / WIRE);
            assertThat(amplitudes[0]).as("the echo's 1 kHz").isLessThan(0.005);
            assertThat(amplitudes[1]).as("the voice's 300 Hz").isBetween(0.09, 0.105);
        }
    }

    @Test
    void anEchoTheCancellerRemovesStartsNoTurn() {
        NotchCanceller canceller = new NotchCanceller(1_000);
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            VoiceSession voice = VoiceSession.builder().conversation(conversation).output(new MemoryBackend.Recorder())
                    .echoCanceller(canceller).localVad(LocalVad.of(LevelDetector.factory(LEVEL))).build();
            List<SpeechEvent> speech = new CopyOnWriteArrayList<>();
            voice.speech().subscribe(speech::add);
            voice.start().block(TIMEOUT);
            InMemoryTransport.Server server = service.connection(0);

            voice.send(Pcm.toBytes(Signals.tone(1_000, WIRE, 0.5, 0.5))); // −9 dBFS, all echo
            List<SpeechEvent> afterEcho = List.copyOf(speech);
            voice.send(Pcm.toBytes(Signals.tone(300, WIRE, 0.1, 0.2)));   // −23 dBFS of voice
            conversation.clearAudio();
            server.awaitReceived("input_audio_buffer.clear");
            voice.close();

            assertThat(afterEcho).isEmpty();
            assertThat(speech).singleElement().isEqualTo(new SpeechEvent(SpeechEvent.Kind.STARTED, 500));
            // The pre-roll sent is the canceller's output: the echo before the voice is gone from it.
            short[] first = appends(server).get(0);
            assertThat(first.length).isGreaterThanOrEqualTo(ms(330));
            assertThat(Signals.rmsDbfs(first, ms(30), ms(300))).isLessThan(-60);
        }
    }

    @Test
    void onAMuLawSessionTurnsAreTakenAtEightKilohertzAndSentCompanded() {
        int rate = 8_000;
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            VoiceSession voice = VoiceSession.builder().conversation(conversation)
                    .session(SessionConfig.builder().inputAudioFormat(RealtimeAudioFormat.G711_ULAW)
                            .outputAudioFormat(RealtimeAudioFormat.G711_ULAW).build())
                    .output(new MemoryBackend.Recorder()).localVad(LocalVad.of(LevelDetector.factory(LEVEL))).build();
            List<SpeechEvent> speech = new CopyOnWriteArrayList<>();
            voice.speech().subscribe(speech::add);
            voice.start().block(TIMEOUT);
            InMemoryTransport.Server server = service.connection(0);

            // PCM16 at the input format's 8 kHz: 700 ms of silence, 400 ms of voice, 600 ms of silence.
            voice.send(Pcm.toBytes(concat(silence(rate, 0.7), Signals.tone(440, rate, 0.3, 0.4), silence(rate, 0.6))));
            server.awaitReceived("response.create");
            voice.close();
            List<byte[]> wire = server.received().filter(e -> e.path("type").asText().equals("input_audio_buffer.append"))
                    .map(e -> Base64.getDecoder().decode(e.path("audio").asText())).collectList().block(TIMEOUT);

            assertThat(voice.inputFormat()).isEqualTo(RealtimeAudioFormat.G711_ULAW);
            assertThat(speech).containsExactly(new SpeechEvent(SpeechEvent.Kind.STARTED, 700),
                    new SpeechEvent(SpeechEvent.Kind.STOPPED, 1_100));
            // One byte a sample: the pre-roll, the voice and the silence that ended it, at 8 kHz.
            int bytes = wire.stream().mapToInt(b -> b.length).sum();
            assertThat(bytes).isEqualTo(rate * (300 + 400 + 500) / 1000);
            short[] decoded = RealtimeAudioFormat.G711_ULAW.decode(wire.get(0));
            assertThat(firstAbove(decoded, 300)).isBetween(rate * 300 / 1000, rate * 300 / 1000 + 8);
        }
    }

    @Test
    void aDetectorThatCannotOpenFailsTheStartAndClosesTheCancellerOpenedBeforeIt() {
        NotchCanceller canceller = new NotchCanceller(1_000);
        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            VoiceSession voice = VoiceSession.builder().conversation(conversation).output(new MemoryBackend.Recorder())
                    .echoCanceller(canceller).localVad(LocalVad.of(rate -> {
                        throw new IllegalArgumentException("no detector at " + rate + " Hz");
                    })).build();

            assertThatThrownBy(() -> voice.start().block(TIMEOUT)).hasMessageContaining("no detector at 24000 Hz");
            assertThat(canceller.rates).containsExactly(WIRE, WIRE);
            assertThat(canceller.closes).hasValue(1);
            voice.close();
        }
    }

    @Test
    void localVadSettingsAreCheckedAndTheModeNeedsThem() {
        VoiceActivityDetector.Factory detector = LevelDetector.factory(LEVEL);
        LocalVad defaults = LocalVad.of(detector);
        assertThat(defaults.detector()).isSameAs(detector);
        assertThat(defaults.threshold()).isEqualTo(0.5f);
        assertThat(defaults.startMillis()).isEqualTo(30);
        assertThat(defaults.stopMillis()).isEqualTo(500);
        assertThat(defaults.preRollMillis()).isEqualTo(300);
        assertThat(defaults.bargeInGateDb()).isNaN();
        LocalVad set = LocalVad.builder(detector).threshold(0.8f).startMillis(60).stopMillis(700).preRollMillis(0)
                .bargeInGateDb(-30).build();
        assertThat(List.of(set.threshold(), set.startMillis(), set.stopMillis(), set.preRollMillis(), set.bargeInGateDb()))
                .containsExactly(0.8f, 60, 700, 0, -30.0);

        LocalVad.Builder builder = LocalVad.builder(detector);
        assertThatThrownBy(() -> builder.threshold(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.threshold(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.threshold(Float.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.stopMillis(505)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.stopMillis(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.startMillis(25)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.preRollMillis(-10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.bargeInGateDb(6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.bargeInGateDb(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalVad.builder(null)).isInstanceOf(NullPointerException.class);
        assertThat(builder.build().stopMillis()).as("nothing half-set by a refused value").isEqualTo(500);

        try (InMemoryTransport service = InMemoryTransport.realtime()) {
            Conversation conversation = Conversation.connect(service.client()).block(TIMEOUT);
            VoiceSession.Builder voice = VoiceSession.builder().conversation(conversation).output(new MemoryBackend.Recorder())
                    .mode(VoiceSession.Mode.LOCAL_VAD);
            assertThatThrownBy(voice::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("localVad");
            conversation.close();
        }
    }

    /**
     * A canceller that knows its echo is one tone: a notch filter (biquad, Q 2) at that frequency on the near
     * end; it keeps whatever it is given as the far end.
     */
    static final class NotchCanceller implements EchoCanceller.Factory, EchoCanceller {
        private final double frequency;
        final List<Integer> rates = new CopyOnWriteArrayList<>();
        final AtomicInteger closes = new AtomicInteger();
        volatile int delayHint = -1;
        private final ByteArrayOutputStream farEnd = new ByteArrayOutputStream();
        private int frame;
        private int farFrame;
        private double b0;
        private double b1;
        private double b2;
        private double a1;
        private double a2;
        private double x1;
        private double x2;
        private double y1;
        private double y2;

        NotchCanceller(double frequency) {
            this.frequency = frequency;
        }

        @Override
        public EchoCanceller open(int captureRateHz, int playbackRateHz) {
            rates.add(captureRateHz);
            rates.add(playbackRateHz);
            frame = captureRateHz / 100;
            farFrame = playbackRateHz / 100;
            double w = 2 * Math.PI * frequency / captureRateHz;
            double alpha = Math.sin(w) / (2 * 2.0);
            double a0 = 1 + alpha;
            b0 = 1 / a0;
            b1 = -2 * Math.cos(w) / a0;
            b2 = 1 / a0;
            a1 = -2 * Math.cos(w) / a0;
            a2 = (1 - alpha) / a0;
            return this;
        }

        @Override
        public synchronized void played(short[] samples, int offset) {
            for (int i = offset; i < offset + farFrame; i++) {
                farEnd.write(samples[i]);
                farEnd.write(samples[i] >> 8);
            }
        }

        /** Every far-end sample it was given, in order. */
        synchronized short[] played() {
            return Pcm.toShorts(farEnd.toByteArray());
        }

        @Override
        public void capture(short[] samples, int offset, short[] out, int outOffset) {
            for (int i = 0; i < frame; i++) {
                double x = samples[offset + i];
                double y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
                x2 = x1;
                x1 = x;
                y2 = y1;
                y1 = y;
                out[outOffset + i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(y)));
            }
        }

        @Override
        public void delayMillis(int millis) {
            delayHint = millis;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /** Waits, up to the timeout, for {@code condition}: polled, never slept on. */
    private static void awaitThat(BooleanSupplier condition) {
        Flux.interval(Duration.ofMillis(5)).filter(t -> condition.getAsBoolean()).blockFirst(TIMEOUT);
        assertThat(condition.getAsBoolean()).as("condition met within %s", TIMEOUT).isTrue();
    }

    /** Samples at the wire's rate in {@code millis}. */
    private static int ms(int millis) {
        return WIRE / 1000 * millis;
    }

    private static short[] silence(int rate, double seconds) {
        return new short[(int) Math.round(rate * seconds)];
    }

    private static short[] concat(short[]... parts) {
        int length = 0;
        for (short[] part : parts) {
            length += part.length;
        }
        short[] all = new short[length];
        int at = 0;
        for (short[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** How many samples are louder than −40 dBFS peak. */
    private static int loud(short[] samples) {
        int n = 0;
        for (short s : samples) {
            n += Math.abs(s) > 300 ? 1 : 0;
        }
        return n;
    }

    /** How many samples at the end are quieter than −40 dBFS peak. */
    private static int trailingQuiet(short[] samples) {
        int n = 0;
        while (n < samples.length && Math.abs(samples[samples.length - 1 - n]) <= 300) {
            n++;
        }
        return n;
    }

    private static int firstAbove(short[] samples, int level) {
        for (int i = 0; i < samples.length; i++) {
            if (Math.abs(samples[i]) > level) {
                return i;
            }
        }
        return -1;
    }

    /** The appends the client sent so far, decoded to PCM16 samples. */
    private static List<short[]> appends(InMemoryTransport.Server server) {
        long count = server.receivedTypes().stream().filter("input_audio_buffer.append"::equals).count();
        List<byte[]> bytes = server.received().filter(e -> e.path("type").asText().equals("input_audio_buffer.append"))
                .take(count).map(e -> Base64.getDecoder().decode(e.path("audio").asText())).collectList().block(TIMEOUT);
        List<short[]> samples = new ArrayList<>();
        bytes.forEach(b -> samples.add(Pcm.toShorts(b)));
        return samples;
    }

    private static String delta(String responseId, String itemId, byte[] audio) {
        return JsonNodeFactory.instance.objectNode().put("type", "response.output_audio.delta").put("event_id", "e_d")
                .put("response_id", responseId).put("item_id", itemId).put("output_index", 0).put("content_index", 0)
                .put("delta", Base64.getEncoder().encodeToString(audio)).toString();
    }
}
