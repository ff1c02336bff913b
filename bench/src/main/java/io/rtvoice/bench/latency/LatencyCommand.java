package io.rtvoice.bench.latency;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.Credentials;
import io.rtvoice.EntraIdCredentials;
import io.rtvoice.audio.AudioBackend;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.audio.AudioBackends;
import io.rtvoice.audio.AudioSpec;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Resampler;
import io.rtvoice.audio.Wav;
import io.rtvoice.emulator.SyntheticVoice;
import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.emulator.cli.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code latency --turns 100}: runs measured voice turns against an endpoint and reports each stage's
 * percentiles. The embedded emulator by default; Azure OpenAI or OpenAI with the examples' environment
 * variables (then speak real speech with {@code --input-file}: the emulator's tone voice is not speech to
 * a real VAD).
 */
@Command(name = "latency", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure voice-turn latency per stage (connect, speech end -> first delta, first delta -> output, "
                + "voice to voice, inter-delta gaps, underruns, barge-in -> silence).")
public final class LatencyCommand implements Callable<Integer> {

    @Option(names = "--turns", defaultValue = "100", description = "Turns to run, one conversation each (default: ${DEFAULT-VALUE}).")
    int turns;

    @Option(names = "--warmup-turns", defaultValue = "2",
            description = "Turns run first and not counted: class loading, JIT and TLS warm-up (default: ${DEFAULT-VALUE}).")
    int warmupTurns;

    @Option(names = "--concurrency", defaultValue = "1", description = "Conversations at once (default: ${DEFAULT-VALUE}: sequential).")
    int concurrency;

    @Option(names = "--utterance", defaultValue = "What is the weather like in Seattle today?",
            description = "What each turn says, in the emulator's tone voice (default: ${DEFAULT-VALUE}).")
    String utteranceText;

    @Option(names = "--input-file", paramLabel = "FILE.wav", description = "Speak this WAV file instead (any rate, mono or stereo).")
    Path inputFile;

    @Option(names = "--barge-in-every", defaultValue = "10",
            description = "Every Nth turn speaks again while the answer plays; 0 = never (default: ${DEFAULT-VALUE}).")
    int bargeInEvery;

    @Option(names = "--barge-in-after-ms", defaultValue = "300", description = "Answer heard before the barge-in (default: ${DEFAULT-VALUE}).")
    int bargeInAfterMs;

    @Option(names = "--output", defaultValue = "null", paramLabel = "BACKEND[:DEVICE]",
            description = "Where answers play: null (real-time, no sound), javasound, openal (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--prebuffer-ms", defaultValue = "80", description = "Playout pre-buffer (default: ${DEFAULT-VALUE}).")
    int prebufferMs;

    @Mixin
    EmulatorOptions emulator = EmulatorOptions.withDefaults(4, 100);

    @Option(names = "--turn-timeout-seconds", defaultValue = "60", description = "A turn taking longer fails (default: ${DEFAULT-VALUE}).")
    int turnTimeoutSeconds;

    @Option(names = "--out", defaultValue = "latency-results", paramLabel = "DIR",
            description = "Writes summary.json, latency.hlog and latency.html here (default: ${DEFAULT-VALUE}).")
    Path outDirectory;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on standard error (default: on).")
    boolean progress;

    PrintStream out = System.out;
    PrintStream err = System.err;
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
        if (turns < 1 || concurrency < 1 || bargeInEvery < 0 || warmupTurns < 0) {
            err.println("latency: --turns and --concurrency must be at least 1, --barge-in-every and --warmup-turns at least 0");
            return 2;
        }
        byte[] utterance = inputFile != null ? load(inputFile) : SyntheticVoice.speak(utteranceText);
        byte[] interruption = Arrays.copyOf(utterance, Math.min(utterance.length, 2 * RealtimeAudioFormat.PCM_RATE_HZ)); // its first second
        int colon = output.indexOf(':');
        AudioBackend backend = AudioBackends.named(colon < 0 ? output : output.substring(0, colon));
        AudioSpec speaker = AudioSpec.forDevice(colon < 0 ? null : output.substring(colon + 1));

        java.util.Optional<Target> service = Target.service(env, LatencyCommand::entraId);
        boolean emulated = service.isEmpty();
        try (Target target = service.orElseGet(() -> Target.embedded(emulator.builder().start()))) {
            out.println("Measuring " + turns + " turns (" + concurrency + " at once) against " + target.description());
            Measurements warmup = new Measurements();
            TurnRunner warmupRunner = new TurnRunner(target.client(), backend, speaker, prebufferMs, utterance, interruption,
                    bargeInAfterMs, Duration.ofSeconds(turnTimeoutSeconds), warmup);
            for (int turn = 0; turn < warmupTurns; turn++) {
                try {
                    warmupRunner.run(bargeInEvery > 0);
                } catch (RuntimeException e) {
                    err.println("latency: a warm-up turn failed: " + e);
                }
            }
            Measurements measurements = new Measurements();
            TurnRunner runner = new TurnRunner(target.client(), backend, speaker, prebufferMs, utterance, interruption,
                    bargeInAfterMs, Duration.ofSeconds(turnTimeoutSeconds), measurements);
            Progress bar = new Progress(turns, progress ? err : null);
            ExecutorService pool = Executors.newFixedThreadPool(concurrency, task -> {
                Thread thread = new Thread(task, "rtvoice-latency-turn");
                thread.setDaemon(true);
                return thread;
            });
            Instant started = Instant.now();
            for (int turn = 0; turn < turns; turn++) {
                boolean bargeIn = bargeInEvery > 0 && turn % bargeInEvery == bargeInEvery - 1;
                pool.execute(() -> {
                    try {
                        runner.run(bargeIn);
                        measurements.turnsDone.incrementAndGet();
                    } catch (RuntimeException e) {
                        measurements.failed(e);
                    } finally {
                        bar.step(measurements.turnsFailed.get());
                    }
                });
            }
            pool.shutdown();
            if (!pool.awaitTermination((long) turnTimeoutSeconds * (turns / concurrency + 2), TimeUnit.SECONDS)) {
                pool.shutdownNow();
                err.println("latency: turns still running at the deadline; reporting what finished");
            }
            bar.finish();

            ObjectNode settings = new ObjectMapper().createObjectNode();
            settings.put("date", started.toString());
            settings.put("target", target.description());
            settings.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            settings.put("cpus", Runtime.getRuntime().availableProcessors());
            settings.put("turns", turns);
            settings.put("concurrency", concurrency);
            settings.put("warmup_turns", warmupTurns);
            settings.put("utterance", inputFile != null ? inputFile.getFileName().toString() : utteranceText);
            settings.put("utterance_ms", utterance.length / 48);
            settings.put("barge_in_every", bargeInEvery);
            settings.put("output", output);
            settings.put("prebuffer_ms", prebufferMs);
            if (emulated) {
                settings.put("emulator_pace", emulator.pace());
                settings.put("emulator_delta_ms", emulator.deltaMs());
                settings.put("emulator_jitter_ms", emulator.jitterMs());
            }
            settings.put("wall_seconds", Duration.between(started, Instant.now()).toMillis() / 1000.0);
            Report report = new Report(measurements, settings);
            report.printTable(out);
            report.write(outDirectory);
            out.println("Wrote " + outDirectory.resolve("summary.json") + ", latency.hlog and latency.html");
            return measurements.turnsFailed.get() == 0 ? 0 : 1;
        }
    }

    /** Azure OpenAI without a key: Microsoft Entra ID (environment, workload or managed identity, Azure CLI, ...). */
    private static Credentials entraId() {
        return EntraIdCredentials.of(new DefaultAzureCredentialBuilder().build());
    }

    /** A WAV file as 24 kHz mono PCM16 (the relay command's {@code --wav} too). */
    public static byte[] load(Path file) throws IOException {
        Wav.Audio audio = Wav.read(file);
        int channels = audio.format().channels();
        short[] samples = Pcm.toShorts(audio.data());
        if (channels > 1) {
            short[] mono = new short[samples.length / channels];
            Pcm.downmixToMono(samples, 0, channels, mono, 0, mono.length);
            samples = mono;
        }
        return Pcm.toBytes(Resampler.convert(samples, audio.format().sampleRate(), RealtimeAudioFormat.PCM_RATE_HZ));
    }

    /** {@code [#####-----] 42/100 turns}, redrawn in place; silent when there is no stream. */
    private static final class Progress {
        private final int total;
        private final PrintStream stream;
        private final AtomicInteger done = new AtomicInteger();

        Progress(int total, PrintStream stream) {
            this.total = total;
            this.stream = stream;
        }

        void step(int failed) {
            int now = done.incrementAndGet();
            if (stream != null) {
                int filled = now * 30 / total;
                synchronized (this) {
                    stream.printf("\r[%s%s] %d/%d turns%s", "#".repeat(filled), "-".repeat(30 - filled), now, total,
                            failed > 0 ? ", " + failed + " failed" : "");
                    stream.flush();
                }
            }
        }

        void finish() {
            if (stream != null) {
                stream.println();
            }
        }
    }
}
