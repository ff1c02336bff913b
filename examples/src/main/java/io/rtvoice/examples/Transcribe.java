package io.rtvoice.examples;

import io.rtvoice.audio.G711;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.emulator.cli.Target;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.TurnDetection;
import io.rtvoice.transcription.TranscriptionConfig;
import io.rtvoice.transcription.TranscriptionSession;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A WAV file in, its transcript out: a transcription-only session ({@code ?intent=transcription}) is sent the
 * file's audio — as mono PCM16 at the session's 24 kHz, resampled if the file has another rate — and prints
 * each utterance's transcript as a line, in order, as it completes. Only the transcript goes to standard
 * output; where it connects and what failed go to standard error.
 */
@Command(name = "transcribe", mixinStandardHelpOptions = true,
        description = "Transcribe a WAV file: a line per utterance (the server's VAD cuts them), or one with --manual-commit.")
final class Transcribe implements Callable<Integer> {

    /** Audio per append, in ms: a microphone's pace, without its waiting. */
    private static final int CHUNK_MS = 100;

    @Parameters(index = "0", paramLabel = "FILE.wav", description = "The audio: PCM16, float or G.711 WAV, any rate, any channels.")
    Path file;

    @Option(names = "--model", defaultValue = "gpt-4o-transcribe",
            description = "Transcription model; on Azure the name of its deployment (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--language", paramLabel = "ISO-639-1", description = "The audio's language, e.g. en (default: the model tells).")
    String language;

    @Option(names = "--prompt", description = "Text that guides the transcription (names, vocabulary).")
    String prompt;

    @Option(names = "--manual-commit", description = "No VAD: the whole file is one item, committed at its end.")
    boolean manualCommit;

    @Option(names = "--silence-ms", defaultValue = "500",
            description = "Server VAD: silence that ends an utterance, in ms (default: ${DEFAULT-VALUE}).")
    int silenceMs;

    @Option(names = "--timeout-seconds", defaultValue = "120", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    EmulatorOptions emulator = EmulatorOptions.withDefaults(0, 100);

    PrintStream out = System.out;
    PrintStream err = System.err;
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
        int rate = RealtimeAudioFormat.PCM16.sampleRateHz();
        byte[] audio = Pcm.toBytes(monoAt(Wav.read(file), rate)); // read first: a bad file is the user's mistake, before any connection
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        // The embedded emulator's log would go to standard output, which is the transcript's alone.
        try (Target target = Target.transcriptionService(env, ExamplesMain::entraId)
                .orElseGet(() -> Target.embeddedTranscription(emulator.builder().log(false).start()))) {
            err.println("Transcribing " + file.getFileName() + " (" + audio.length / (rate / 500) + " ms) with " + target.description());
            TranscriptionConfig config = TranscriptionConfig.builder(model).language(language).prompt(prompt)
                    .turnDetection(manualCommit ? TurnDetection.DISABLED : TurnDetection.serverVad(0.5, 300, silenceMs))
                    .build();
            TranscriptionSession session = TranscriptionSession.open(target.client(), config).block(timeout);

            // Each item's line, in the order the audio was committed, printed as soon as it and those before it are done.
            AtomicInteger committed = new AtomicInteger();
            Flux<String> finished = session.items().doOnNext(item -> committed.incrementAndGet()).onBackpressureBuffer()
                    .concatMap(item -> item.transcript().doOnNext(t -> out.println(t.text())).map(t -> item.id())
                            .onErrorResume(e -> {
                                err.println("[not transcribed] " + item.id() + ": " + e.getMessage());
                                return Mono.just(item.id());
                            }))
                    .replay().autoConnect(0);
            CompletableFuture<ServerEvent.InputAudioBufferCleared> cleared =
                    session.events().ofType(ServerEvent.InputAudioBufferCleared.class).next().toFuture();

            for (int at = 0; at < audio.length; at += CHUNK_MS * rate / 500) {
                session.append(Arrays.copyOfRange(audio, at, Math.min(audio.length, at + CHUNK_MS * rate / 500)));
            }
            if (manualCommit) {
                session.commit();
            } else {
                // The VAD ends an utterance only after silence: give the last one its silence.
                session.append(new byte[(silenceMs + 500) * rate / 500]);
            }
            // The server handles events in order: once it has cleared what is left, every commit the file made was announced.
            session.clear();
            cleared.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            finished.take(committed.get()).then().block(timeout);
            if (committed.get() == 0) {
                err.println("[no speech heard]");
            }
            session.close();
            return 0;
        }
    }

    /** The file's audio as mono PCM16 at {@code rate} Hz: decoded, channels averaged, resampled. */
    static short[] monoAt(Wav.Audio wav, int rate) throws IOException {
        byte[] data = wav.data();
        short[] samples = switch (wav.format().encoding()) {
            case PCM16 -> Pcm.toShorts(data);
            case MULAW -> G711.decodeMuLaw(data);
            case ALAW -> G711.decodeALaw(data);
            case FLOAT32 -> {
                float[] floats = new float[data.length / 4];
                ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
                for (int i = 0; i < floats.length; i++) { // a float WAV may exceed full scale or hold NaN: clip
                    floats[i] = Float.isNaN(floats[i]) ? 0f : Math.max(-1f, Math.min(1f, floats[i]));
                }
                yield Pcm.fromFloats(floats);
            }
        };
        short[] mono = wav.format().channels() == 1 ? samples : Pcm.downmixToMono(samples, wav.format().channels());
        return wav.format().sampleRate() == rate ? mono : Resampler.convert(mono, wav.format().sampleRate(), rate);
    }

}
