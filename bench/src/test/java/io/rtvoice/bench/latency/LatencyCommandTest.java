package io.rtvoice.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The latency command against the embedded emulator, over loopback, with real playout at real-time pace. */
class LatencyCommandTest {

    @TempDir
    Path dir;

    JsonNode run(String name, String... options) throws Exception {
        LatencyCommand command = new LatencyCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        command.env = Map.of(); // no service configured: the embedded emulator
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--out", dir.resolve(name).toString(), "--no-progress"));
        int exit = new CommandLine(command).execute(args.toArray(String[]::new));
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(exit).as(output).isZero();
        return new ObjectMapper().readTree(dir.resolve(name).resolve("summary.json").toFile());
    }

    @Test
    void completesAHundredTurnsAndReportsEveryStage() throws Exception {
        JsonNode summary = run("hundred", "--turns", "100", "--concurrency", "25", "--barge-in-every", "10");

        assertThat(summary.get("turns_done").asInt()).isEqualTo(100);
        assertThat(summary.get("turns_failed").asInt()).isZero();
        JsonNode stages = summary.get("stages_ms");
        for (Stage stage : Stage.values()) {
            if (stage == Stage.UNDERRUN) {
                continue; // only turns whose audio came late have one
            }
            JsonNode s = stages.get(stage.key());
            assertThat(s.get("count").asLong()).as(stage.label).isPositive();
            assertThat(s.get("p50").asDouble()).as(stage.label).isLessThanOrEqualTo(s.get("p99").asDouble());
            assertThat(s.get("p99").asDouble()).as(stage.label).isLessThanOrEqualTo(s.get("max").asDouble());
        }
        // 100 turns, 10 of them with a barge-in and so a second answer; every one connects.
        assertThat(stages.get("connect").get("count").asLong()).isEqualTo(100);
        assertThat(stages.get("barge_in_to_silence").get("count").asLong()).isEqualTo(10);
        assertThat(stages.get("speech_end_to_first_delta").get("count").asLong()).isEqualTo(110);
        // The emulator's VAD waits 500 ms of silence before answering; the utterance's last frame ends in a
        // 30 ms word gap, which already counts as silence.
        assertThat(stages.get("speech_end_to_first_delta").get("min").asDouble()).isGreaterThanOrEqualTo(450);

        Path results = dir.resolve("hundred");
        assertThat(Files.readString(results.resolve("latency.html"))).contains("<svg", "voice to voice");
        List<String> tags = new ArrayList<>();
        HistogramLogReader log = new HistogramLogReader(results.resolve("latency.hlog").toFile());
        for (EncodableHistogram h = log.nextIntervalHistogram(); h != null; h = log.nextIntervalHistogram()) {
            tags.add(h.getTag());
        }
        assertThat(tags).containsExactly(java.util.Arrays.stream(Stage.values()).map(Stage::key).toArray(String[]::new));
    }

    /** The tool measures: slow, jittery delivery shows up as gaps and underruns, and nowhere else first. */
    @Test
    void slowAndJitteryDeliveryMovesTheGapAndUnderrunFigures() throws Exception {
        JsonNode smooth = run("smooth", "--turns", "6", "--concurrency", "3", "--barge-in-every", "0", "--warmup-turns", "1");
        JsonNode rough = run("rough", "--turns", "6", "--concurrency", "3", "--barge-in-every", "0", "--warmup-turns", "1",
                "--pace", "0.7", "--delta-ms", "20", "--jitter-ms", "100");

        // Slower than real time: every turn runs dry, and the concealed silence is measured.
        assertThat(rough.get("turns_with_underrun").asInt()).isEqualTo(6);
        assertThat(rough.get("underruns").asLong()).isGreaterThan(smooth.get("underruns").asLong());
        assertThat(rough.get("stages_ms").get("underrun").get("count").asLong()).isEqualTo(6);
        // Up to 100 ms of jitter per delta: the gaps' tail grows by most of it.
        double smoothGap = smooth.get("stages_ms").get("delta_gap").get("p99").asDouble();
        double roughGap = rough.get("stages_ms").get("delta_gap").get("p99").asDouble();
        assertThat(roughGap).isGreaterThan(smoothGap + 50);
    }
}
