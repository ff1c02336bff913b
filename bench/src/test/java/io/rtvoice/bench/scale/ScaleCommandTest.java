package io.rtvoice.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.rtvoice.bench.CpuPinning;
import io.rtvoice.bench.ResourceMeter;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The scale command against the emulator in a child JVM, over loopback. Figures are checked for presence
 * and for what the emulator's settings force, never for speed: the lateness limit is set out of reach.
 */
class ScaleCommandTest {

    @TempDir
    Path dir;

    JsonNode run(String name, String... options) throws Exception {
        ScaleCommand command = new ScaleCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--seconds", "3", "--warmup-seconds", "1", "--first-warmup-seconds", "1", "--max-p99-lateness-ms", "1000000",
                "--out", dir.resolve(name).toString()));
        int exit = new CommandLine(command).execute(args.toArray(String[]::new));
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(exit).as(output).isZero();
        return new ObjectMapper().readTree(dir.resolve(name).resolve("summary.json").toFile());
    }

    @Test
    void twentySessionsStreamBothWaysAndEveryFigureIsReported() throws Exception {
        JsonNode summary = run("twenty", "--sessions", "20");

        assertThat(summary.get("max_sessions_held").asInt()).isEqualTo(20);
        JsonNode step = summary.get("steps").get(0);
        assertThat(step.get("sessions").asInt()).isEqualTo(20);
        assertThat(step.get("connected").asInt()).isEqualTo(20);
        assertThat(step.get("held").asBoolean()).isTrue();
        for (String latency : List.of("send_lateness_ms", "delivery_ms", "audio_lateness_ms", "emulator_lateness_ms")) {
            JsonNode h = step.get(latency);
            assertThat(h.get("count").asLong()).as(latency).isPositive();
            assertThat(List.of("p50", "p90", "p99", "max")).allSatisfy(p -> assertThat(h.has(p)).as(latency + " " + p).isTrue());
            assertThat(h.get("p50").asDouble()).as(latency).isLessThanOrEqualTo(h.get("p99").asDouble());
        }
        // 20 sessions × 3 s at one append per 20 ms: about 3,000 sends.
        assertThat(step.get("send_lateness_ms").get("count").asLong()).isGreaterThan(1_000);
        // Audio flowed down every session, in order, nothing missing, every delta stamped.
        assertThat(step.get("min_deltas_per_session").asLong()).isPositive();
        assertThat(step.get("deltas_received").asLong()).isGreaterThan(1_000);
        assertThat(step.get("deltas_lost").asLong()).isZero();
        assertThat(step.get("deltas_reordered").asLong()).isZero();
        assertThat(step.get("deltas_unstamped").asLong()).isZero();
        assertThat(step.get("session_errors").asInt()).isZero();
        JsonNode client = step.get("client");
        assertThat(client.get("cpu_percent_of_core").asDouble()).isPositive();
        assertThat(client.get("cpu_percent_of_core_per_session").asDouble()).isPositive();
        assertThat(client.get("allocated_kb_per_second_per_session").asDouble()).isPositive();
        assertThat(client.get("heap_used_after_gc_mb").asDouble()).isPositive();
        assertThat(client.get("threads").asInt()).isPositive();
        assertThat(step.get("emulator").get("cpu_percent_of_core").asDouble()).isPositive();
        assertThat(summary.get("settings").get("jdk").asText()).isNotBlank();
    }

    @Test
    void emulatorJitterShowsAsLateAudio() throws Exception {
        // Each delta held up to 200 ms (uniform) beyond its due time: the median delta is well over 40 ms late.
        JsonNode step = run("jitter", "--sessions", "5", "--jitter-ms", "200").get("steps").get(0);

        assertThat(step.get("emulator_lateness_ms").get("p50").asDouble()).isGreaterThan(40);
        assertThat(step.get("audio_lateness_ms").get("p50").asDouble()).isGreaterThan(40);
        assertThat(step.get("deltas_reordered").asLong()).isZero();
        // Jitter delays deltas but does not slow the stream: each is late from its own due time, not from the last one.
        assertThat(step.get("deltas_received").asLong()).isGreaterThan(step.get("deltas_expected").asLong() / 2);
    }

    @Test
    void findMaxRampsThroughTheSteps() throws Exception {
        JsonNode summary = run("ramp", "--find-max", "--steps", "2,4");

        assertThat(summary.get("steps")).hasSize(2);
        assertThat(summary.get("steps").get(1).get("sessions").asInt()).isEqualTo(4);
        assertThat(summary.get("max_sessions_held").asInt()).isEqualTo(4);
    }

    @Test
    void pinnedRunsSayWhereEachSideRanAndWhoseLimitItHit() throws Exception {
        Assumptions.assumeTrue(CpuPinning.available(), "taskset is not on this machine");
        // Pins the test's own JVM to the CPUs it already has (and restores them), so other tests are not squeezed.
        long pid = ProcessHandle.current().pid();
        String mine = CpuPinning.affinity(pid);
        String first = mine.split("[,-]")[0];
        JsonNode summary = run("pinned", "--sessions", "3", "--client-cpus", mine, "--emulator-cpus", first);

        assertThat(CpuPinning.affinity(pid)).isEqualTo(mine);
        JsonNode settings = summary.get("settings");
        assertThat(settings.get("client_cpus").asText()).isEqualTo(mine);
        assertThat(settings.get("emulator_cpus").asText()).isEqualTo(first);
        assertThat(settings.get("pinned_apart").asBoolean()).isFalse(); // the client's CPUs include the emulator's
        JsonNode step = summary.get("steps").get(0);
        assertThat(step.get("emulator").get("deltas_written_on_time").asLong()).isPositive();
        assertThat(step.get("emulator").get("in_time_percent").asDouble()).isGreaterThan(50);
        assertThat(step.get("limit").asText()).isNotBlank();
    }

    @Test
    void aCpuListTasksetWouldRefuseIsAUsageError() {
        ScaleCommand command = new ScaleCommand();
        command.err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int exit = new CommandLine(command).execute("--sessions", "1", "--emulator-cpus", "one", "--out", dir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(ScaleCommand.cpus("0,2-3").toString()).isEqualTo("{0, 2, 3}");
        assertThat(CpuPinning.validList("0-1,4")).isTrue();
        assertThat(CpuPinning.validList("0;1")).isFalse();
    }

    @Test
    void theLimitNamesWhoseItIs() {
        assertThat(step(2_000, 1_000, 1_000, true).limit()).isEqualTo("none");
        assertThat(step(2_000, 1_000, 900, true).limit()).startsWith("emulator (wrote 90.0 % of the audio within 20 ms of due");
        assertThat(step(2_000, 1_000, 900, false).limit()).startsWith("emulator").endsWith("[not pinned apart: the two JVMs share cores]");
        assertThat(step(8_000, 1_000, 1_000, true).limit()).isEqualTo("client (p99 send lateness 8.00 ms > 5.0 ms)");
        assertThat(step(8_000, 1_000, 10, true).limit()).startsWith("client").contains("; emulator (wrote 1.0 %");
    }

    /** A 10-session step whose sends were {@code lateMicros} late, with {@code onTime} of {@code expected} deltas written on time. */
    private static StepResult step(long lateMicros, long expected, long onTime, boolean pinnedApart) {
        Histogram late = new Histogram(3);
        late.recordValue(lateMicros);
        Histogram any = new Histogram(3);
        any.recordValue(1_000);
        ResourceMeter.Usage usage = new ResourceMeter.Usage(10, 1, 1_000_000, 0, 20, Map.of(), 1);
        return new StepResult(10, 10, 10, late, any, any, any, expected, expected, expected / 10, 0, 0, 0, Map.of(), usage,
                10_000_000, 9.5, onTime, 20_000, 5, pinnedApart, lateMicros <= 5_000);
    }
}
