package io.rtvoice.audio.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.audio.AudioBackend;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.audio.spi.EchoCanceller;
import io.rtvoice.audio.testing.Signals;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.Responder;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.voice.LatencySample;
import io.rtvoice.voice.LocalVad;
import io.rtvoice.voice.SpeechEvent;
import io.rtvoice.voice.VoiceSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * A voice session on speakers, over a real echo path ({@link EchoPath}): the model's answer plays through OpenAL
 * into the speaker sink and comes back, 60 ms later at −20 dB, into the microphone sink, which Java Sound
 * captures; the user's turns are espeak-ng speech played into the microphone sink. The emulator's VAD hears
 * whatever reaches it: with cancellation off, the model's own voice.
 */
class SpeakersTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String KEY = "sk-speakers-test";
    private static final String[] TURNS = {
        "Hello, what is the weather like today?",
        "Can you book a table for two tonight?",
        "What time does the train leave?",
        "Please tell me a short joke.",
    };
    /** The model's answers, spoken by espeak-ng: a voice an echo canceller meets in real life (a tone per word is not). */
    private static final String[] ANSWERS = {
        "Sure. It is sunny and warm this afternoon, with a light wind from the sea.",
        "Of course. I have booked a table by the window for eight o'clock tonight.",
        "The next train leaves at ten past six from platform four, and it is on time.",
        "Why did the bicycle fall over? Because it was two tired to stand up.",
    };
    private static final String STORY = "Let me tell you a long story about the weather in many cities, one after the other,"
            + " slowly and in detail, so that there is plenty of time to interrupt me. In Paris it rained all morning,"
            + " while in Madrid the sun shone from dawn to dusk, and in Oslo the snow kept falling.";
    private static final Map<String, byte[]> VOICE = new ConcurrentHashMap<>();

    @TempDir
    static Path dir;
    private static EchoPath path;
    private static final List<Path> utterances = new ArrayList<>();

    @BeforeAll
    static void echoPath() throws Exception {
        EchoPath.backend("javasound");
        EchoPath.backend("openal");
        path = EchoPath.load(60, -20);
        EchoPath.Measured measured = EchoPath.measure(dir);
        System.out.println("echo path: set 60 ms latency and -20 dB; measured " + measured);
        assertThat(measured.correlation()).as("the chirp came back through the echo path").isGreaterThan(0.8);
        assertThat(measured.gainDb()).as("echo gain, dB").isBetween(-23.0, -17.0);
        assertThat(measured.delayMillis()).as("echo delay, ms").isBetween(30.0, 120.0);
        for (int i = 0; i < TURNS.length; i++) {
            Path wav = dir.resolve("turn" + i + ".wav");
            Signals.speech(TURNS[i], wav);
            utterances.add(wav);
        }
        for (String answer : ANSWERS) {
            VOICE.put(answer, modelVoice(answer));
        }
        VOICE.put(STORY, modelVoice(STORY));
    }

    /** espeak-ng saying {@code text} as the emulator's voice: 24 kHz, at the loudness of a voice near −16 dBFS. */
    private static byte[] modelVoice(String text) throws Exception {
        Wav.Audio wav = Signals.speech(text, dir.resolve("answer" + VOICE.size() + ".wav"));
        short[] voice = Resampler.convert(Pcm.toShorts(wav.data()), wav.format().sampleRate(), 24_000);
        double gain = Math.pow(10, (-16 - Signals.rmsDbfs(voice, 0, voice.length)) / 20);
        for (int i = 0; i < voice.length; i++) {
            voice[i] = (short) Math.max(-32768, Math.min(32767, Math.round(voice[i] * gain)));
        }
        return Pcm.toBytes(voice);
    }

    @AfterAll
    static void unload() throws Exception {
        if (path != null) {
            path.close();
        }
    }

    @Test
    void twentyTurnsOnSpeakersWithCancellationNeverInterruptTheModel() throws Exception {
        try (Rig rig = new Rig(true, null, false)) {
            for (int turn = 0; turn < 20; turn++) {
                rig.turn(utterances.get(turn % utterances.size()));
            }
            List<Double> erle = rig.recorder.erlePerSecond(rig.injections);
            double mean = erle.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, "speakers, cancellation on: 20 turns, %d speech_started, %d of them the model's own voice;"
                    + " ERLE on the echo path %.1f dB mean, %.1f min over %d one-second windows after convergence: %s%n",
                    rig.speechStarted.size(), rig.selfInterruptions(), mean,
                    erle.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN), erle.size(), format(erle));
            assertThat(rig.selfInterruptions()).as("speech_started caused by the model's own voice: %s", rig.timeline()).isZero();
            assertThat(rig.speechStarted).as("each spoken turn heard").hasSizeGreaterThanOrEqualTo(20);
            assertThat(erle).as("one-second windows of echo alone").hasSizeGreaterThanOrEqualTo(10);
            assertThat(mean).as("mean ERLE after convergence, dB").isGreaterThanOrEqualTo(25);
        }
    }

    @Test
    void withoutCancellationTheModelInterruptsItself() throws Exception {
        try (Rig rig = new Rig(false, null, false)) {
            for (int turn = 0; turn < 3 && rig.selfInterruptions() == 0; turn++) {
                rig.await(rig::idle, WAIT);
                int before = rig.done.get();
                rig.inject(utterances.get(turn));
                rig.await(() -> rig.selfInterruptions() > 0 || (rig.done.get() > before && rig.idle()), WAIT);
            }
            System.out.printf(Locale.ROOT, "speakers, cancellation off: %d speech_started, %d of them the model's own voice%n",
                    rig.speechStarted.size(), rig.selfInterruptions());
            assertThat(rig.selfInterruptions()).as("speech_started caused by the model's own voice: %s", rig.timeline()).isPositive();
        }
    }

    @Test
    void realSpeechDuringTheAnswerStillBargesIn() throws Exception {
        try (Rig rig = new Rig(true, null, true)) {
            List<VoiceSession.Interruption> cuts = new CopyOnWriteArrayList<>();
            rig.voice.interruptions().subscribe(cuts::add);
            rig.inject(utterances.get(0));
            rig.awaitPlaying(Duration.ofMillis(1_500));
            rig.inject(utterances.get(1));
            rig.await(() -> !cuts.isEmpty(), WAIT);
            System.out.printf(Locale.ROOT, "speakers, double talk with cancellation: interrupted %s; %d speech_started, %d self%n",
                    cuts.get(0), rig.speechStarted.size(), rig.selfInterruptions());
            assertThat(rig.selfInterruptions()).isZero();
            assertThat(cuts.get(0).playedMillis()).isLessThan(cuts.get(0).receivedMillis());
        }
    }

    @Test
    void localVadBargesInOnSpeakersAndNotOnTheEcho() throws Exception {
        LocalVad vad = LocalVad.of(WebRtcAudio.voiceActivityDetector());
        try (Rig rig = new Rig(true, vad, true)) {
            List<SpeechEvent> speech = rig.local;
            List<Duration> silence = new CopyOnWriteArrayList<>();
            rig.voice.latency().filter(s -> s.kind() == LatencySample.Kind.BARGE_IN_TO_SILENCE).subscribe(s -> silence.add(s.value()));
            for (int turn = 0; turn < 3; turn++) {
                rig.await(rig::idle, WAIT);
                int before = speech.size();
                rig.inject(utterances.get(turn));
                rig.awaitPlaying(Duration.ofMillis(1_500)); // committed locally, answered, playing
                List<SpeechEvent> now = List.copyOf(speech);
                assertThat(now.subList(before, now.size())).as("the turn, then nothing while the answer plays")
                        .extracting(SpeechEvent::kind).containsExactly(SpeechEvent.Kind.STARTED, SpeechEvent.Kind.STOPPED);
                int cutsBefore = silence.size();
                rig.inject(utterances.get((turn + 1) % utterances.size()));
                rig.await(() -> silence.size() > cutsBefore, WAIT);
            }
            System.out.printf(Locale.ROOT, "speakers, local VAD with cancellation: barge-in to silence %s; %d local speech events%n",
                    silence.stream().map(d -> String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6)).toList(), speech.size());
            assertThat(rig.speechStarted).as("the server's VAD is off: it never detects speech").isEmpty();
            assertThat(silence).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    private static String format(List<Double> values) {
        StringBuilder out = new StringBuilder();
        for (double v : values) {
            out.append(String.format(Locale.ROOT, " %.1f", v));
        }
        return out.toString().strip();
    }

    /** An emulator, and a voice session on the echo path's devices talking to it. */
    private static final class Rig implements AutoCloseable {
        final RealtimeEmulator emulator;
        final VoiceSession voice;
        final RecordingCanceller recorder;
        final List<Long> speechStarted = new CopyOnWriteArrayList<>();
        final List<long[]> injections = new CopyOnWriteArrayList<>();
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final List<SpeechEvent> local = new CopyOnWriteArrayList<>();
        final long startNanos = System.nanoTime();

        Rig(boolean cancel, LocalVad vad, boolean story) {
            AtomicInteger answers = new AtomicInteger();
            emulator = RealtimeEmulator.builder().apiKey(KEY)
                    .responder(turn -> new Responder.Reply.Speech(story ? STORY : ANSWERS[answers.getAndIncrement() % ANSWERS.length]))
                    .voice(VOICE::get).start();
            RealtimeClient client = RealtimeClient.builder().endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=m"), Dialect.GA))
                    .credentials(Credentials.apiKey(KEY)).build();
            Conversation conversation = Conversation.connect(client).block(WAIT);
            conversation.events().subscribe(e -> {
                if (e instanceof ServerEvent.InputAudioBufferSpeechStarted) {
                    speechStarted.add(System.nanoTime());
                } else if (e instanceof ServerEvent.ResponseCreated) {
                    active.incrementAndGet();
                } else if (e instanceof ServerEvent.ResponseDone) {
                    active.decrementAndGet();
                    done.incrementAndGet();
                }
            });
            AudioBackend javasound = EchoPath.backend("javasound");
            AudioBackend openal = EchoPath.backend("openal");
            String speaker = EchoPath.device(openal.outputDevices(), "rtvoice-speaker", false);
            recorder = cancel ? new RecordingCanceller(WebRtcAudio.echoCanceller()) : null;
            VoiceSession.Builder builder = VoiceSession.builder().conversation(conversation)
                    .input(javasound.openCapture(AudioSpec.of(24_000)))
                    .output(openal.openPlayback(AudioSpec.of(24_000).device(speaker)))
                    .echoCanceller(recorder);
            if (vad != null) {
                builder.localVad(vad);
            }
            voice = builder.build();
            voice.speech().subscribe(local::add);
            voice.start().block(WAIT);
        }

        /** One turn: the user speaks once nothing plays, the model answers, the answer plays out. */
        void turn(Path utterance) throws Exception {
            await(this::idle, WAIT);
            int before = done.get();
            inject(utterance);
            await(() -> done.get() > before && idle(), WAIT);
        }

        /** Speaks into the microphone, noting when: speech the server detects outside these windows is the echo's. */
        void inject(Path utterance) throws Exception {
            long start = System.nanoTime();
            EchoPath.play(utterance, EchoPath.MICROPHONE_SINK);
            // What was spoken reaches the server a capture period or two later; its VAD takes a moment more.
            injections.add(new long[] {start, System.nanoTime() + 500_000_000L});
        }

        long selfInterruptions() {
            return speechStarted.stream().filter(t -> injections.stream().noneMatch(w -> t >= w[0] && t <= w[1])).count();
        }

        /**
         * Nothing to come: every turn heard (the server's or the local VAD's) has had its response done, and
         * nothing plays.
         */
        boolean idle() {
            long turns = speechStarted.size() + local.stream().filter(e -> e.kind() == SpeechEvent.Kind.STOPPED).count();
            boolean speaking = !local.isEmpty() && local.get(local.size() - 1).kind() == SpeechEvent.Kind.STARTED;
            return active.get() == 0 && done.get() >= turns && !speaking && voice.playoutStats().state() == PlayoutBuffer.State.IDLE
                    && voice.playoutStats().levelSamples() == 0;
        }

        /** When each speech_started came, in ms since the rig started, and the user's speech windows: for failures. */
        String timeline() {
            StringBuilder out = new StringBuilder("speech_started at");
            speechStarted.forEach(t -> out.append(' ').append((t - startNanos) / 1_000_000));
            out.append(" ms; user speech");
            injections.forEach(w -> out.append(' ').append((w[0] - startNanos) / 1_000_000).append('-')
                    .append((w[1] - startNanos) / 1_000_000));
            return out.append(" ms").toString();
        }

        /** Waits until the answer to the last turn has played for {@code played}, counted from now. */
        void awaitPlaying(Duration played) {
            long from = voice.playoutStats().playedSamples();
            await(() -> voice.playoutStats().state() == PlayoutBuffer.State.PLAYING && active.get() > 0
                    && voice.playoutStats().playedSamples() - from >= played.toMillis() * 24, WAIT);
        }

        void await(BooleanSupplier condition, Duration timeout) {
            Flux.interval(Duration.ofMillis(10)).filter(t -> condition.getAsBoolean()).blockFirst(timeout);
        }

        @Override
        public void close() {
            try {
                voice.close();
            } finally {
                emulator.close();
            }
        }
    }

    /**
     * WebRTC's canceller with a tap: the power of each captured frame before and after cancellation, and when.
     * What it computes is what the session sends.
     */
    static final class RecordingCanceller implements EchoCanceller.Factory {
        private final EchoCanceller.Factory inner;
        private final List<double[]> frames = new CopyOnWriteArrayList<>(); // {nanos, power in, power out}

        RecordingCanceller(EchoCanceller.Factory inner) {
            this.inner = inner;
        }

        @Override
        public EchoCanceller open(int captureRateHz, int playbackRateHz) {
            EchoCanceller canceller = inner.open(captureRateHz, playbackRateHz);
            int frame = captureRateHz / 100;
            return new EchoCanceller() {
                @Override
                public void played(short[] samples, int offset) {
                    canceller.played(samples, offset);
                }

                @Override
                public void capture(short[] samples, int offset, short[] out, int outOffset) {
                    double in = power(samples, offset, frame);
                    canceller.capture(samples, offset, out, outOffset);
                    frames.add(new double[] {System.nanoTime(), in, power(out, outOffset, frame)});
                }

                @Override
                public void delayMillis(int millis) {
                    canceller.delayMillis(millis);
                }

                @Override
                public void close() {
                    canceller.close();
                }
            };
        }

        private static double power(short[] samples, int offset, int length) {
            double sum = 0;
            for (int i = offset; i < offset + length; i++) {
                sum += (double) samples[i] * samples[i];
            }
            return sum / length;
        }

        /**
         * ERLE, 10·log10(P_mic / P_out), per second of the model's echo alone: windows of 100 frames with no
         * user speech played into the microphone and the echo present throughout (mic above −50 dBFS on
         * average), leaving out the first two such seconds (convergence).
         */
        List<Double> erlePerSecond(List<long[]> injections) {
            List<Double> erle = new ArrayList<>();
            double floor = Math.pow(10, -50 / 10.0) * 32768.0 * 32768.0;
            int skipped = 0;
            for (int w = 0; w + 100 <= frames.size(); w += 100) {
                double in = 0;
                double out = 0;
                boolean user = false;
                for (int i = w; i < w + 100; i++) {
                    double[] f = frames.get(i);
                    long t = (long) f[0];
                    user |= injections.stream().anyMatch(x -> t >= x[0] && t <= x[1]);
                    in += f[1];
                    out += f[2];
                }
                if (user || in / 100 < floor) {
                    continue;
                }
                if (skipped++ < 2) {
                    continue;
                }
                erle.add(10 * Math.log10(in / Math.max(out, 1e-3)));
            }
            return erle;
        }
    }
}
