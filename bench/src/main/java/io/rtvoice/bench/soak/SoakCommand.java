package io.rtvoice.bench.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.ReconnectPolicy;
import io.rtvoice.bench.EmulatorProcess;
import io.rtvoice.bench.ResourceMeter;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.transport.websocket.WebSocketTransport;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code soak --sessions 50 --minutes 30}: many callers hold conversations for a long time against the
 * embedded emulator while connections fail at random (dropped, stalled, expired, malformed frames, bad
 * audio, service errors); reconnection heals them. Passes when every caller kept completing turns, no turn
 * hung, and heap (after GC), threads and direct memory at the end are where they were after warm-up.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Hold many conversations for a long time under random connection faults; check that heap, threads "
                + "and direct memory stay flat and that nothing hangs.")
public final class SoakCommand implements Callable<Integer> {

    private static final long MIB = 1024 * 1024;

    @Option(names = "--sessions", defaultValue = "50", description = "Callers at once (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--minutes", defaultValue = "30", description = "How long (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--report-seconds", defaultValue = "60",
            description = "A line of figures (after a GC) this often; the first is the baseline (default: ${DEFAULT-VALUE}).")
    int reportSeconds;

    @Option(names = "--fault-probability", defaultValue = "0.3",
            description = "Chance that a connection gets a random fault (default: ${DEFAULT-VALUE}).")
    double faultProbability;

    @Option(names = "--turns-per-session", defaultValue = "20",
            description = "Turns before a caller hangs up and calls again (default: ${DEFAULT-VALUE}).")
    int turnsPerSession;

    @Mixin
    EmulatorOptions emulator = EmulatorOptions.withDefaults(2, 100);

    @Option(names = "--separate-emulator", description = "Run the emulator in a child JVM, so that heap and threads are the client's alone "
            + "(default: in this JVM).")
    boolean separateEmulator;

    @Option(names = "--hostile", description = "A hostile server: besides the faults above, it echoes the key (in an error event, a close "
            + "reason, the HTTP status line), cuts frames off halfway, sends events a client cannot use and floods of large deltas, "
            + "and enforces ping/pong on every connection. Adds checks: no key in any log record, message or close reason; "
            + "no connection closed for a missed pong.")
    boolean hostile;

    @Option(names = "--turn-timeout-seconds", defaultValue = "30",
            description = "A turn with no outcome after this long counts as hung (default: ${DEFAULT-VALUE}).")
    int turnTimeoutSeconds;

    @Option(names = "--out", defaultValue = "soak-results", paramLabel = "DIR", description = "Writes summary.json here (default: ${DEFAULT-VALUE}).")
    Path outDirectory;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        if (sessions < 1 || minutes <= 0 || reportSeconds < 1 || faultProbability < 0 || faultProbability > 1 || turnsPerSession < 1) {
            err.println("soak: --sessions, --report-seconds and --turns-per-session must be at least 1, --minutes above 0, "
                    + "--fault-probability within [0, 1]");
            return 2;
        }
        SoakStats stats = new SoakStats();
        List<Sample> samples = new ArrayList<>();
        Sample before;
        Sample after;
        FaultInjectingTransport transport;
        List<SoakSession> callers = new ArrayList<>();
        // A key of this run alone: the hostile server echoes it, and it must show up nowhere.
        String key = "sk-soak-" + java.util.UUID.randomUUID().toString().replace("-", "");
        SecretWatch secrets = new SecretWatch(key);
        if (hostile) {
            secrets.install();
        }
        long started = System.nanoTime();
        try (EmulatorProcess child = separateEmulator ? EmulatorProcess.start(List.of(), emulator.arguments(), err) : null;
                RealtimeEmulator embedded = separateEmulator ? null : emulator.builder().start()) {
            URI base = child != null ? child.uri() : embedded.uri();
            // A short keep-alive, so a stalled server is found in seconds, not the default 40.
            transport = new FaultInjectingTransport(
                    WebSocketTransport.create().keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(3)), faultProbability, hostile);
            RealtimeClient client = RealtimeClient.builder()
                    .endpoint(Endpoint.custom(URI.create(base + "/v1/realtime?model=gpt-realtime"), Dialect.GA))
                    .credentials(Credentials.apiKey(key)).transport(transport).build();
            ReconnectPolicy policy = ReconnectPolicy.withBackoff().delays(Duration.ofMillis(50), Duration.ofSeconds(1));
            before = Sample.take(0, stats, transport);
            out.printf(Locale.ROOT, "Soak: %d callers for %.1f min against the %semulator %s, %.0f %% of connections faulty%n",
                    sessions, minutes, hostile ? "hostile " : "", separateEmulator ? "in a child JVM" : "in this JVM", faultProbability * 100);
            out.println(Sample.HEADER);
            long deadline = started + (long) (minutes * 60e9);
            ExecutorService pool = Executors.newFixedThreadPool(sessions, task -> {
                Thread thread = new Thread(task, "rtvoice-soak-caller");
                thread.setDaemon(true);
                return thread;
            });
            for (int i = 0; i < sessions; i++) {
                SoakSession caller = new SoakSession(i, client, policy, turnsPerSession, Duration.ofSeconds(turnTimeoutSeconds),
                        deadline, stats, secrets);
                callers.add(caller);
                pool.execute(caller);
            }
            pool.shutdown();
            // Report on schedule until the deadline; the callers then stop after their current turn.
            while (System.nanoTime() - deadline < 0) {
                long waitMillis = Math.min(reportSeconds * 1000L, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (pool.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                    break;
                }
                if (System.nanoTime() - deadline < 0) {
                    Sample sample = Sample.take((System.nanoTime() - started) / 60e9, stats, transport);
                    samples.add(sample);
                    out.println(sample.line());
                }
            }
            if (!pool.awaitTermination(2L * turnTimeoutSeconds, TimeUnit.SECONDS)) {
                err.println("soak: callers still running " + 2 * turnTimeoutSeconds + " s after the end");
            }
        }
        after = Sample.take((System.nanoTime() - started) / 60e9, stats, transport);
        out.println(after.line() + "   (all calls ended, emulator stopped)");
        secrets.uninstall();

        ObjectNode summary = verdict(samples, before, after, stats, transport, callers, secrets);
        Files.createDirectories(outDirectory);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(outDirectory.resolve("summary.json").toFile(), summary);
        out.println("Outcomes other than a completed turn: " + stats.outcomes());
        out.println("Faults injected: " + transport.injected() + " in " + transport.connections() + " connections");
        out.println("Reconnection causes: " + stats.reconnectionCauses());
        if (hostile) {
            out.println("Log records scanned for the key: " + secrets.recordsScanned() + "; sightings: " + secrets.sightings());
        }
        for (var check : summary.withArray("checks")) {
            out.println((check.get("passed").asBoolean() ? "  ok    " : "  FAIL  ") + check.get("what").asText());
        }
        out.println(summary.get("passed").asBoolean() ? "PASSED" : "FAILED");
        out.println("Wrote " + outDirectory.resolve("summary.json"));
        return summary.get("passed").asBoolean() ? 0 : 1;
    }

    private ObjectNode verdict(List<Sample> samples, Sample before, Sample after, SoakStats stats,
            FaultInjectingTransport transport, List<SoakSession> callers, SecretWatch secrets) {
        ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.put("sessions", sessions).put("minutes", minutes).put("separate_emulator", separateEmulator).put("fault_probability", faultProbability)
                .put("hostile", hostile)
                .put("turns_per_session", turnsPerSession).put("pace", emulator.pace())
                .put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
                .put("cores", Runtime.getRuntime().availableProcessors());
        summary.put("turns_completed", stats.turnsCompleted.sum()).put("sessions_opened", stats.sessionsOpened.sum())
                .put("reconnections", stats.reconnections.sum()).put("connections", transport.connections())
                .put("audio_mib", stats.audioBytes.sum() / (double) MIB);
        summary.putPOJO("faults_injected", transport.injected());
        summary.putPOJO("other_outcomes", stats.outcomes());
        summary.putPOJO("reconnection_causes", stats.reconnectionCauses());
        if (hostile) {
            summary.put("log_records_scanned", secrets.recordsScanned());
            summary.putPOJO("key_sightings", secrets.sightings());
        }
        ArrayNode series = summary.putArray("samples");
        for (Sample s : samples) {
            series.add(s.json());
        }
        summary.set("before", before.json());
        summary.set("after", after.json());

        ArrayNode checks = summary.putArray("checks");
        long slowest = callers.stream().mapToLong(c -> c.turnsCompleted).min().orElse(0);
        check(checks, "every caller completed turns (fewest: " + slowest + ")", slowest > 0);
        check(checks, "no turn hung (" + stats.hung() + ")", stats.hung() == 0);
        check(checks, "every call's subscriber was told the call ended (not told: " + stats.hungSubscribers() + ")", stats.hungSubscribers() == 0);
        if (hostile) {
            check(checks, "the key showed up nowhere (" + secrets.recordsScanned() + " log records scanned; sightings: " + secrets.sightings() + ")",
                    secrets.sightings().isEmpty());
            check(checks, "no connection closed for a missed pong (" + stats.pingTimeouts() + ")", stats.pingTimeouts() == 0);
        }
        if (samples.size() < 2) {
            check(checks, "at least two samples while running (got " + samples.size() + "; run longer or report more often)", false);
        } else {
            Sample baseline = samples.get(0);
            Sample last = samples.get(samples.size() - 1);
            long heapAllowance = Math.max(16 * MIB, baseline.heapAfterGc() / 4);
            check(checks, String.format(Locale.ROOT, "heap after GC flat: %.1f MiB at the baseline, %.1f MiB at the end (allowed +%.0f MiB)",
                    baseline.heapAfterGc() / (double) MIB, last.heapAfterGc() / (double) MIB, heapAllowance / (double) MIB),
                    last.heapAfterGc() <= baseline.heapAfterGc() + heapAllowance);
            check(checks, "threads flat: " + baseline.threads() + " at the baseline, " + last.threads() + " at the end (allowed +4)",
                    last.threads() <= baseline.threads() + 4);
            check(checks, String.format(Locale.ROOT, "direct memory flat: %.1f MiB at the baseline, %.1f MiB at the end (allowed +16 MiB)",
                    baseline.directBytes() / (double) MIB, last.directBytes() / (double) MIB),
                    last.directBytes() <= baseline.directBytes() + 16 * MIB);
        }
        check(checks, "threads back to where they were before the first call: " + before.threads() + " before, "
                + after.threads() + " after (allowed +16: the transport's event loops and Reactor's schedulers, started at first use, stay)",
                after.threads() <= before.threads() + 16);
        boolean passed = true;
        for (var check : checks) {
            passed &= check.get("passed").asBoolean();
        }
        summary.put("passed", passed);
        return summary;
    }

    private static void check(ArrayNode checks, String what, boolean passed) {
        checks.addObject().put("what", what).put("passed", passed);
    }

    /** One line of figures, taken after a full GC so that heap is what is live. */
    record Sample(double minutes, long heapAfterGc, int threads, long directBytes, long nettyDirectBytes, long turns,
            long sessionsOpened, long reconnections, long connections) {

        static final String HEADER = "   min   heap MiB  threads  direct MiB  netty MiB     turns  calls  reconnects  connections";

        static Sample take(double minutes, SoakStats stats, FaultInjectingTransport transport) {
            long heap = ResourceMeter.heapUsedAfterGc();
            long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
            long netty = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
                    ? provider.metric().usedDirectMemory() : -1;
            return new Sample(minutes, heap, ManagementFactory.getThreadMXBean().getThreadCount(), direct, netty, stats.turnsCompleted.sum(),
                    stats.sessionsOpened.sum(), stats.reconnections.sum(), transport == null ? 0 : transport.connections());
        }

        String line() {
            return String.format(Locale.ROOT, "%6.1f %10.1f %8d %11.1f %10.1f %9d %6d %11d %12d", minutes, heapAfterGc / (double) MIB,
                    threads, directBytes / (double) MIB, nettyDirectBytes / (double) MIB, turns, sessionsOpened, reconnections, connections);
        }

        ObjectNode json() {
            return JsonNodeFactory.instance.objectNode().put("minutes", minutes).put("heap_after_gc_mib", heapAfterGc / (double) MIB)
                    .put("threads", threads).put("direct_mib", directBytes / (double) MIB)
                    .put("netty_direct_mib", nettyDirectBytes / (double) MIB).put("turns_completed", turns)
                    .put("sessions_opened", sessionsOpened).put("reconnections", reconnections).put("connections", connections);
        }
    }
}
