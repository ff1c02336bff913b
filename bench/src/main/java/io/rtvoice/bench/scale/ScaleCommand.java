package io.rtvoice.bench.scale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.event.RealtimeAudioFormat;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.audio.Pcm;
import io.rtvoice.bench.CpuPinning;
import io.rtvoice.bench.EmulatorProcess;
import io.rtvoice.bench.ResourceMeter;
import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code scale --find-max}: how many concurrent voice sessions one client JVM carries. Each session streams
 * 20 ms appends up at real-time pace and receives the emulator's deltas down (20 ms at real-time pace by default), against
 * the emulator in a child JVM on loopback. Reports send lateness, delivery latency, loss, CPU, heap and
 * allocation per step, the emulator's in-time delivery, and whose limit a step hit. {@code --client-cpus} and
 * {@code --emulator-cpus} pin the two JVMs apart (taskset), so that each one's limit is its own.
 */
@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Concurrent sessions against the emulator in a child process: send lateness, delivery latency, "
                + "loss, CPU, heap and allocation per session; --find-max ramps up to the largest count that holds.")
public final class ScaleCommand implements Callable<Integer> {

    /** One append and one delta carry this much audio. */
    private static final int FRAME_MS = 20;

    @Option(names = "--sessions", defaultValue = "100", description = "Sessions at once, one step (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--find-max", description = "Ramp through --steps, stopping at the first step that does not hold.")
    boolean findMax;

    @Option(names = "--steps", split = ",", defaultValue = "50,100,200,400,700,1000,1400,2000",
            description = "Session counts for --find-max (default: ${DEFAULT-VALUE}).")
    int[] steps;

    @Option(names = "--keep-going", description = "With --find-max, run every step even after one did not hold (for the whole table).")
    boolean keepGoing;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per step (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "3",
            description = "Seconds of load before measuring, per step (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--first-warmup-seconds", defaultValue = "13",
            description = "The first step's warm-up: it also warms both JVMs up (class loading, JIT) (default: ${DEFAULT-VALUE}).")
    int firstWarmupSeconds;

    @Option(names = "--max-p99-lateness-ms", defaultValue = "5",
            description = "A step holds when p99 send lateness is at most this, every session connected and none failed (default: ${DEFAULT-VALUE}).")
    double maxP99LatenessMs;

    @Option(names = "--sender-threads", defaultValue = "2", description = "Threads driving all sessions' appends (default: ${DEFAULT-VALUE}).")
    int senderThreads;

    @Option(names = "--tick-ms", defaultValue = "1",
            description = "A sender thread wakes at most once per this many ms and sends every append due, as a capture "
                    + "or network thread delivering a batch does; 0 wakes for each session's own tick (default: ${DEFAULT-VALUE}).")
    int tickMs;

    @Option(names = "--connect-concurrency", defaultValue = "32", description = "Connections opened at once (default: ${DEFAULT-VALUE}).")
    int connectConcurrency;

    @Mixin
    EmulatorOptions emulatorOptions = EmulatorOptions.withDefaults(1, FRAME_MS);

    @Option(names = "--emulator-jvm-option", paramLabel = "OPTION",
            description = "An option for the emulator's JVM, e.g. -Xmx2g (repeatable).")
    List<String> emulatorJvmOptions = new ArrayList<>();

    @Option(names = "--client-cpus", paramLabel = "CPUS",
            description = "Pins this JVM, every thread, to these CPUs with taskset, e.g. 0; restored at the end (default: not pinned).")
    String clientCpus;

    @Option(names = "--emulator-cpus", paramLabel = "CPUS",
            description = "Starts the emulator's JVM under taskset -c CPUS, e.g. 1 (default: not pinned). With --client-cpus on "
                    + "other CPUs, each side's limit is its own.")
    String emulatorCpus;

    @Option(names = "--out", defaultValue = "scale-results", paramLabel = "DIR",
            description = "Writes summary.json here (default: ${DEFAULT-VALUE}).")
    Path outDirectory;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        int[] counts = findMax ? steps : new int[] {sessions};
        if (seconds < 1 || warmupSeconds < 0 || firstWarmupSeconds < 0 || senderThreads < 1 || tickMs < 0 || connectConcurrency < 1
                || Arrays.stream(counts).anyMatch(n -> n < 1) || !(emulatorOptions.pace() > 0)) {
            err.println("scale: session counts, --seconds, --sender-threads and --connect-concurrency must be at least 1, "
                    + "--pace above 0 (each session is a real-time stream)");
            return 2;
        }
        for (String cpus : new String[] {clientCpus, emulatorCpus}) {
            if (cpus != null && !CpuPinning.validList(cpus)) {
                err.println("scale: --client-cpus and --emulator-cpus take a CPU list as taskset does (0, 0,2 or 0-3), not '" + cpus + "'");
                return 2;
            }
        }
        if ((clientCpus != null || emulatorCpus != null) && !CpuPinning.available()) {
            err.println("scale: --client-cpus and --emulator-cpus need taskset (util-linux), which is not on the PATH");
            return 2;
        }
        long pid = ProcessHandle.current().pid();
        String clientAffinityBefore = clientCpus != null ? CpuPinning.affinity(pid) : null;
        // A child inherits its parent's CPUs: an emulator not pinned itself keeps the ones the client had.
        emulatorLauncher = emulatorCpus != null ? CpuPinning.launcher(emulatorCpus)
                : clientAffinityBefore != null ? CpuPinning.launcher(clientAffinityBefore) : List.of();
        try {
            clientAffinity = clientCpus != null ? CpuPinning.pin(pid, clientCpus) : null;
            return run();
        } finally {
            if (clientAffinityBefore != null) {
                CpuPinning.pin(pid, clientAffinityBefore); // run in-process (a test), the JVM gets its CPUs back
            }
        }
    }

    /** The client's CPUs once pinned, as taskset reports them; {@code null} when not pinned. */
    private String clientAffinity;
    private String emulatorAffinity;
    private List<String> emulatorLauncher = List.of();

    private Integer run() throws Exception {
        int[] counts = findMax ? steps : new int[] {sessions};
        Instant started = Instant.now();
        // The response must outlast every step: the sessions are closed before it ends.
        int monologueSeconds = Math.max(warmupSeconds, firstWarmupSeconds) + seconds + 600;
        List<String> emulatorArgs = new ArrayList<>(emulatorOptions.arguments());
        emulatorArgs.addAll(List.of("--monologue-seconds", String.valueOf(monologueSeconds), "--stamp-audio"));
        List<StepResult> results = new ArrayList<>();
        try (EmulatorProcess emulator = EmulatorProcess.start(emulatorLauncher, emulatorJvmOptions, emulatorArgs, err)) {
            emulatorAffinity = emulatorLauncher.isEmpty() ? null : CpuPinning.affinity(emulator.pid());
            RealtimeClient client = RealtimeClient.builder()
                    .endpoint(Endpoint.custom(emulator.uri().resolve("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                    .credentials(Credentials.apiKey("emulator"))
                    .build();
            out.printf("scale: %s sessions, %d s measured after %d s warm-up each, %d sender threads, emulator %s in a child JVM, jitter %d ms%n",
                    findMax ? "ramp " + Arrays.toString(counts) : String.valueOf(sessions), seconds, warmupSeconds,
                    senderThreads, emulator.uri(), emulatorOptions.jitterMs());
            out.printf("scale: client on CPUs %s, emulator on CPUs %s%s%n", clientAffinity != null ? clientAffinity : "(not pinned)",
                    emulatorAffinity != null ? emulatorAffinity : "(not pinned)", pinnedApart() ? ""
                            : ": the two JVMs share cores, so either one's load can be the other's limit");
            StepResult.printHeader(out);
            boolean first = true;
            for (int n : counts) {
                StepResult result = runStep(client, emulator, n, first ? firstWarmupSeconds : warmupSeconds);
                first = false;
                results.add(result);
                result.printRow(out);
                if (!emulator.alive()) {
                    err.println("scale: the emulator process died");
                    break;
                }
                if (findMax && !keepGoing && !result.held()) {
                    break;
                }
            }
        }
        // The largest count below which every step held: with --keep-going a lucky step after a failed one does not count.
        int maxHeld = 0;
        for (StepResult r : results) {
            if (!r.held()) {
                break;
            }
            maxHeld = Math.max(maxHeld, r.sessions());
        }
        out.printf("largest session count that held (p99 send lateness <= %s ms, all connected, no errors): %s%n",
                maxP99LatenessMs, maxHeld == 0 ? "none" : String.valueOf(maxHeld));
        writeSummary(started, results, maxHeld);
        out.println("Wrote " + outDirectory.resolve("summary.json"));
        return results.stream().allMatch(StepResult::held) || findMax ? 0 : 1;
    }

    private StepResult runStep(RealtimeClient client, EmulatorProcess emulator, int n, int warmupSeconds) throws Exception {
        long periodNanos = TimeUnit.MILLISECONDS.toNanos(FRAME_MS);
        // A fixed range: an auto-resizing recorder resizes under a lock, and the recording runs on event loops.
        Recorder lateness = new Recorder(LoadSession.MAX_MICROS, 3);
        Recorder delivery = new Recorder(LoadSession.MAX_MICROS, 3);
        Recorder audioLateness = new Recorder(LoadSession.MAX_MICROS, 3);
        Recorder emulatorLateness = new Recorder(LoadSession.MAX_MICROS, 3);
        CountDownLatch firstAudio = new CountDownLatch(n);
        List<LoadSession> load = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            load.add(new LoadSession(i, periodNanos * i / n, delivery, audioLateness, emulatorLateness, firstAudio));
        }
        SessionConfig noTurnDetection = SessionConfig.builder().turnDetection(TurnDetection.DISABLED).build();
        Flux.fromIterable(load).flatMap(s -> client.connect()
                .doOnNext(session -> {
                    s.session = session;
                    // The voice path: each delta's audio decoded from the lent frame straight into the load session, as
                    // a voice session's playout buffer takes it; the events carry the rest.
                    session.routeAudio(s::onAudio);
                    session.events().subscribe(s::onEvent, s::onEnd);
                    // Server VAD off, so the upstream audio never interrupts the monologue.
                    session.send(new ClientEvent.SessionUpdate(null, noTurnDetection));
                    session.send(new ClientEvent.ResponseCreate(null, null));
                })
                .onErrorResume(e -> {
                    s.fail("connect failed: " + e.getMessage());
                    return Mono.empty();
                }), connectConcurrency).then().block(Duration.ofMinutes(5));
        int connected = (int) load.stream().filter(s -> s.session != null).count();
        for (int missing = n - connected; missing > 0; missing--) {
            firstAudio.countDown(); // the unconnected will not speak
        }
        if (!firstAudio.await(30, TimeUnit.SECONDS)) {
            err.println("scale: " + firstAudio.getCount() + " of " + n + " sessions had no audio after 30 s");
        }

        long startNanos = System.nanoTime() + periodNanos;
        StepResult result;
        Sender sender = new Sender(load, senderThreads, frame(), periodNanos, startNanos, lateness,
                TimeUnit.MILLISECONDS.toNanos(tickMs));
        try {
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds) + FRAME_MS); // a measurement window, not synchronisation
            for (Recorder r : List.of(lateness, delivery, audioLateness, emulatorLateness)) {
                r.reset();
            }
            long[] deltasBefore = load.stream().mapToLong(LoadSession::deltas).toArray();
            Duration emulatorCpuBefore = emulator.cpuTime();
            ResourceMeter meter = new ResourceMeter();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            ResourceMeter.Usage usage = meter.since();
            double emulatorCpu = (emulator.cpuTime().minus(emulatorCpuBefore)).toNanos() / 1e9;
            Histogram sendLateness = lateness.getIntervalHistogram();
            Histogram deliveryHistogram = delivery.getIntervalHistogram();
            Histogram audioHistogram = audioLateness.getIntervalHistogram();
            Histogram emulatorHistogram = emulatorLateness.getIntervalHistogram();
            long received = 0;
            long fewest = Long.MAX_VALUE;
            for (LoadSession s : load) {
                long got = s.deltas() - deltasBefore[s.index];
                received += got;
                fewest = Math.min(fewest, got);
            }
            long heap = ResourceMeter.heapUsedAfterGc(); // with every session still open
            Map<String, Integer> errors = errors(load);
            long lost = load.stream().mapToLong(LoadSession::lost).sum();
            long reordered = load.stream().mapToLong(LoadSession::reordered).sum();
            long unstamped = load.stream().mapToLong(LoadSession::unstamped).sum();
            long expected = (long) connected * Math.round(usage.seconds() * 1000 * emulatorOptions.pace() / emulatorOptions.deltaMs());
            // The emulator kept time when it wrote a delta within one delta's length (plus any jitter asked for) of its due time.
            long onTimeMicros = 1000L * (emulatorOptions.deltaMs() + emulatorOptions.jitterMs());
            long onTime = emulatorHistogram.getTotalCount() == 0 ? 0 : emulatorHistogram.getCountBetweenValues(0, onTimeMicros);
            boolean held = connected == n && errors.isEmpty() && lost == 0 && reordered == 0
                    && sendLateness.getValueAtPercentile(99) <= maxP99LatenessMs * 1000;
            result = new StepResult(n, connected, usage.seconds(), sendLateness, deliveryHistogram, audioHistogram,
                    emulatorHistogram, received, expected, fewest, lost, reordered, unstamped, errors, usage, heap, emulatorCpu,
                    onTime, onTimeMicros, maxP99LatenessMs, pinnedApart(), held);
        } finally {
            sender.stop();
        }
        close(load);
        return result;
    }

    /** Whether the client and the emulator run on CPUs of their own (both pinned, no CPU in common). */
    boolean pinnedApart() {
        if (clientAffinity == null || emulatorAffinity == null) {
            return false;
        }
        java.util.BitSet client = cpus(clientAffinity);
        return !client.isEmpty() && !client.intersects(cpus(emulatorAffinity));
    }

    /** A taskset CPU list ({@code 0,2-3}) as a set. */
    static java.util.BitSet cpus(String list) {
        java.util.BitSet set = new java.util.BitSet();
        for (String range : list.split(",")) {
            String[] ends = range.strip().split("-");
            int from = Integer.parseInt(ends[0].strip());
            int to = ends.length > 1 ? Integer.parseInt(ends[1].strip()) : from;
            set.set(from, to + 1);
        }
        return set;
    }

    /** Errors by kind (the first per session), with session numbers left out so that alike ones group. */
    private static Map<String, Integer> errors(List<LoadSession> load) {
        Map<String, Integer> byKind = new TreeMap<>();
        for (LoadSession s : load) {
            if (s.error() != null) {
                byKind.merge(s.error(), 1, Integer::sum);
            }
        }
        return byKind;
    }

    private void close(List<LoadSession> load) {
        load.forEach(s -> s.live = false);
        Flux.fromIterable(load).filter(s -> s.session != null)
                .flatMap(s -> s.session.closeGracefully().timeout(Duration.ofSeconds(15)).onErrorResume(e -> Mono.empty()), 64)
                .then().block(Duration.ofMinutes(5));
    }

    /** 20 ms of a quiet 440 Hz tone, PCM16 24 kHz: the same array for every append (the client only reads it). */
    private static byte[] frame() {
        short[] tone = new short[FRAME_MS * RealtimeAudioFormat.PCM_RATE_HZ / 1000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) Math.round(3000 * Math.sin(2 * Math.PI * 440 * i / (double) RealtimeAudioFormat.PCM_RATE_HZ));
        }
        return Pcm.toBytes(tone);
    }

    private void writeSummary(Instant started, List<StepResult> results, int maxHeld) throws java.io.IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ObjectNode settings = root.putObject("settings");
        settings.put("date", started.toString());
        settings.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        settings.put("cpus", Runtime.getRuntime().availableProcessors());
        settings.put("mode", findMax ? "find-max" : "fixed");
        settings.put("seconds", seconds);
        settings.put("warmup_seconds", warmupSeconds);
        settings.put("first_warmup_seconds", firstWarmupSeconds);
        settings.put("frame_ms", FRAME_MS);
        settings.put("sender_threads", senderThreads);
        settings.put("tick_ms", tickMs);
        settings.put("max_p99_lateness_ms", maxP99LatenessMs);
        settings.put("emulator_jitter_ms", emulatorOptions.jitterMs());
        settings.put("client_cpus", clientAffinity);
        settings.put("emulator_cpus", emulatorAffinity);
        settings.put("pinned_apart", pinnedApart());
        settings.put("emulator", String.format(Locale.ROOT, "child JVM on 127.0.0.1, monologue responses, stamped %d ms deltas at %s x real-time pace",
                emulatorOptions.deltaMs(), emulatorOptions.pace()));
        root.put("max_sessions_held", maxHeld);
        ArrayNode steps = root.putArray("steps");
        for (StepResult r : results) {
            r.writeTo(steps.addObject());
        }
        Files.createDirectories(outDirectory);
        json.writeValue(outDirectory.resolve("summary.json").toFile(), root);
    }
}
