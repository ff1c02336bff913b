package io.rtvoice.bench.scale;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtvoice.bench.ResourceMeter;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One step's figures. Latencies are HdrHistograms in microseconds: send lateness (append handed to
 * {@code send} after its ideal tick), delivery (emulator wrote the delta → client decoded it), and the
 * delta's lateness against its ideal due time, split into the emulator's part (due → written).
 *
 * <p>Whose limit a step hit: the client's when its appends went out late (p99 send lateness over the limit),
 * the emulator's when it did not write the audio it owed on time ({@link #emulatorInTimePercent()}: deltas
 * written within {@code onTimeMicros} of their due time, of all the step's sessions should have had).
 * With the two JVMs on the same cores either can be the other's limit; pinned apart, each limit is its own.
 */
record StepResult(
        int sessions,
        int connected,
        double seconds,
        Histogram sendLateness,
        Histogram delivery,
        Histogram audioLateness,
        Histogram emulatorLateness,
        long deltasReceived,
        long deltasExpected,
        long minDeltasPerSession,
        long lost,
        long reordered,
        long unstamped,
        Map<String, Integer> errors,
        ResourceMeter.Usage client,
        long heapAfterGcBytes,
        double emulatorCpuSeconds,
        long deltasOnTime,
        long onTimeMicros,
        double maxP99LatenessMs,
        boolean pinnedApart,
        boolean held) {

    /** Below this share of its audio written on time, the emulator is a limit of the step. */
    static final double EMULATOR_IN_TIME_PERCENT = 99;

    /** Of the audio the emulator owed the step's sessions, the share it wrote within {@code onTimeMicros} of due. */
    double emulatorInTimePercent() {
        return 100.0 * deltasOnTime / Math.max(1, deltasExpected);
    }

    /**
     * What limited the step: {@code none}, or one or more of {@code sessions} (not all connected, or errors,
     * lost or reordered deltas), {@code client} (p99 send lateness over the limit) and {@code emulator} (less
     * than 99 % of its audio written on time), with the figure that says so.
     */
    String limit() {
        List<String> hit = new java.util.ArrayList<>();
        if (connected < sessions || errorCount() > 0 || lost > 0 || reordered > 0) {
            hit.add(String.format(Locale.ROOT, "sessions (%d of %d connected, %d errors, %d lost, %d reordered)",
                    connected, sessions, errorCount(), lost, reordered));
        }
        if (sendLateness.getValueAtPercentile(99) > maxP99LatenessMs * 1000) {
            hit.add(String.format(Locale.ROOT, "client (p99 send lateness %.2f ms > %s ms)", ms(sendLateness.getValueAtPercentile(99)),
                    maxP99LatenessMs));
        }
        if (emulatorInTimePercent() < EMULATOR_IN_TIME_PERCENT) {
            hit.add(String.format(Locale.ROOT, "emulator (wrote %.1f %% of the audio within %.0f ms of due, at %.0f %% of a core)",
                    emulatorInTimePercent(), onTimeMicros / 1000.0, emulatorCpuPercentOfCore()));
        }
        if (hit.isEmpty()) {
            return "none";
        }
        String limit = String.join("; ", hit);
        return pinnedApart || hit.size() == 1 && hit.get(0).startsWith("sessions") ? limit
                : limit + " [not pinned apart: the two JVMs share cores]";
    }

    int errorCount() {
        return errors.values().stream().mapToInt(Integer::intValue).sum();
    }

    double cpuPercentOfCore() {
        return 100 * client.cpuSeconds() / seconds;
    }

    double emulatorCpuPercentOfCore() {
        return 100 * emulatorCpuSeconds / seconds;
    }

    /** Allocation rate per session, in KB (1,000 bytes) per second. */
    double allocationKbPerSecondPerSession() {
        return client.allocatedBytes() / seconds / Math.max(1, connected) / 1_000;
    }

    static void printHeader(PrintStream out) {
        out.printf(Locale.ROOT, "%8s %5s | %-27s | %-20s | %7s %6s | %6s %4s %5s %4s | %6s %7s %8s %7s %4s %5s | %6s %6s | %s%n",
                "sessions", "conn", "send lateness ms p50/90/99/max", "delivery ms p50/99/max", "late99", "emu99",
                "recv%", "lost", "reord", "err", "cpu%", "cpu%/s", "KB/s/ses", "heapMB", "thr", "gc%", "emu%", "emuOK%", "held");
    }

    void printRow(PrintStream out) {
        out.printf(Locale.ROOT, "%8d %5d | %6.2f %6.2f %6.2f %6.1f | %6.2f %6.2f %6.1f | %7.1f %6.1f | %6.1f %4d %5d %4d | %6.1f %7.3f %8.1f %7.0f %4d %5.1f | %6.1f %6.1f | %s%n",
                sessions, connected,
                ms(sendLateness.getValueAtPercentile(50)), ms(sendLateness.getValueAtPercentile(90)),
                ms(sendLateness.getValueAtPercentile(99)), ms(sendLateness.getMaxValue()),
                ms(delivery.getValueAtPercentile(50)), ms(delivery.getValueAtPercentile(99)), ms(delivery.getMaxValue()),
                ms(audioLateness.getValueAtPercentile(99)), ms(emulatorLateness.getValueAtPercentile(99)),
                100.0 * deltasReceived / Math.max(1, deltasExpected), lost, reordered, errorCount(),
                cpuPercentOfCore(), cpuPercentOfCore() / Math.max(1, connected), allocationKbPerSecondPerSession(),
                heapAfterGcBytes / 1e6, client.threads(), 100 * client.gcSeconds() / seconds,
                emulatorCpuPercentOfCore(), emulatorInTimePercent(), held ? "yes" : "NO");
        errors.forEach((what, count) -> out.printf("         %d x %s%n", count, what));
        StringBuilder busy = new StringBuilder();
        client.cpuSecondsByThreadGroup().entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(5)
                .forEach(e -> busy.append(String.format(Locale.ROOT, "%s%s %.0f%%", busy.length() > 0 ? ", " : "",
                        e.getKey(), 100 * e.getValue() / seconds)));
        out.printf(Locale.ROOT, "         client CPU by thread (%% of a core): %s; machine load average %.1f%n", busy,
                client.systemLoadAverage());
        out.printf(Locale.ROOT, "         client per session: %.3f %% of a core, %.1f KB/s allocated; limit: %s%n",
                cpuPercentOfCore() / Math.max(1, connected), allocationKbPerSecondPerSession(), limit());
    }

    void writeTo(ObjectNode json) {
        json.put("sessions", sessions);
        json.put("connected", connected);
        json.put("held", held);
        json.put("seconds", Math.round(seconds * 100) / 100.0);
        percentiles(json.putObject("send_lateness_ms"), sendLateness);
        percentiles(json.putObject("delivery_ms"), delivery);
        percentiles(json.putObject("audio_lateness_ms"), audioLateness);
        percentiles(json.putObject("emulator_lateness_ms"), emulatorLateness);
        json.put("deltas_received", deltasReceived);
        json.put("deltas_expected", deltasExpected);
        json.put("min_deltas_per_session", minDeltasPerSession);
        json.put("deltas_lost", lost);
        json.put("deltas_reordered", reordered);
        json.put("deltas_unstamped", unstamped);
        json.put("session_errors", errorCount());
        ObjectNode byKind = json.putObject("errors");
        errors.forEach(byKind::put);
        ObjectNode c = json.putObject("client");
        c.put("cpu_percent_of_core", round(cpuPercentOfCore()));
        c.put("cpu_percent_of_core_per_session", Math.round(cpuPercentOfCore() / Math.max(1, connected) * 10_000) / 10_000.0);
        c.put("allocated_mb_per_second", round(client.allocatedBytes() / seconds / 1e6));
        c.put("allocated_kb_per_second_per_session", round(allocationKbPerSecondPerSession()));
        c.put("heap_used_after_gc_mb", round(heapAfterGcBytes / 1e6));
        c.put("heap_per_session_kb", round(heapAfterGcBytes / 1e3 / Math.max(1, connected)));
        c.put("gc_percent_of_wall", round(100 * client.gcSeconds() / seconds));
        c.put("threads", client.threads());
        ObjectNode byThread = c.putObject("cpu_percent_of_core_by_thread");
        client.cpuSecondsByThreadGroup().forEach((group, cpu) -> byThread.put(group, round(100 * cpu / seconds)));
        json.put("machine_load_average", round(client.systemLoadAverage()));
        ObjectNode emulator = json.putObject("emulator");
        emulator.put("cpu_percent_of_core", round(emulatorCpuPercentOfCore()));
        emulator.put("deltas_written_on_time", deltasOnTime);
        emulator.put("on_time_ms", onTimeMicros / 1000.0);
        emulator.put("in_time_percent", round(emulatorInTimePercent()));
        json.put("limit", limit());
    }

    private static void percentiles(ObjectNode json, Histogram h) {
        json.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return;
        }
        for (int p : List.of(50, 90, 99)) {
            json.put("p" + p, ms(h.getValueAtPercentile(p)));
        }
        json.put("p99_9", ms(h.getValueAtPercentile(99.9)));
        json.put("max", ms(h.getMaxValue()));
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
