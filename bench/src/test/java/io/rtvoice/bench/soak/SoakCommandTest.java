package io.rtvoice.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short soak: callers keep talking while most connections get a random fault, and every caller still
 * completes turns because reconnection heals the faults. (The flat-heap verdict needs a long run; see
 * bench/README.md for one.)
 */
class SoakCommandTest {

    @TempDir
    Path dir;

    @Test
    void callersKeepCompletingTurnsThroughRandomFaults() throws Exception {
        SoakCommand command = new SoakCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(command).execute("--sessions", "6", "--minutes", "0.25", "--report-seconds", "4",
                "--fault-probability", "0.8", "--turns-per-session", "5", "--pace", "8", "--out", dir.toString());
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(exit).as(output).isIn(0, 1); // 1: a verdict on heap over 15 seconds may say anything

        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        // Faults were injected and healed: sessions reconnected, and turns kept completing for every caller.
        assertThat(summary.get("faults_injected").size()).as(output).isGreaterThanOrEqualTo(3);
        assertThat(summary.get("reconnections").asLong()).as(output).isPositive();
        assertThat(summary.get("connections").asLong()).isGreaterThan(summary.get("sessions_opened").asLong());
        assertThat(summary.get("turns_completed").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(summary.get("audio_mib").asDouble()).isPositive();
        JsonNode checks = summary.get("checks");
        assertThat(checks.get(0).get("what").asText()).startsWith("every caller completed turns");
        assertThat(checks.get(0).get("passed").asBoolean()).as(output).isTrue();
        assertThat(checks.get(1).get("what").asText()).startsWith("no turn hung");
        assertThat(checks.get(1).get("passed").asBoolean()).as(output).isTrue();
        assertThat(summary.get("samples").size()).isGreaterThanOrEqualTo(2);
        assertThat(output).contains("heap MiB", "Faults injected: ");
    }

    /** A short hostile soak: the key is echoed and must show up nowhere; pings are enforced and never missed. */
    @Test
    void aHostileServerLeaksNoKeyAndFindsEveryPingAnswered() throws Exception {
        SoakCommand command = new SoakCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(command).execute("--hostile", "--sessions", "6", "--minutes", "0.25", "--report-seconds", "4",
                "--fault-probability", "0.9", "--turns-per-session", "5", "--pace", "8", "--out", dir.toString());
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(exit).as(output).isIn(0, 1); // 1: a verdict on heap over 15 seconds may say anything

        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.get("hostile").asBoolean()).isTrue();
        assertThat(summary.get("faults_injected").size()).as(output).isGreaterThanOrEqualTo(4);
        assertThat(summary.get("log_records_scanned").asLong()).as(output).isPositive();
        assertThat(summary.get("key_sightings").size()).as(output).isZero();
        assertThat(summary.get("turns_completed").asLong()).isGreaterThanOrEqualTo(6);
        for (JsonNode check : summary.get("checks")) {
            String what = check.get("what").asText();
            if (what.startsWith("every caller") || what.startsWith("no turn hung") || what.startsWith("every call's subscriber")
                    || what.startsWith("the key showed up nowhere") || what.startsWith("no connection closed for a missed pong")) {
                assertThat(check.get("passed").asBoolean()).as(output).isTrue();
            }
        }
        assertThat(output).contains("Reconnection causes: ", "Log records scanned for the key: ");
    }
}
