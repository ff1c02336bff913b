package io.rtvoice.bench.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.rtvoice.bench.BenchMain;
import io.rtvoice.emulator.cli.UserErrors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The relay command against the embedded emulator, over loopback, with pages paced in real time. */
class RelayCommandTest {

    @Test
    void twoTurnsReportEveryStageWithOneAppendPerPageFrame() {
        RelayCommand command = new RelayCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        int exit = new CommandLine(command).execute("--turns", "2", "--warmup-turns", "0");

        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("all in this JVM over loopback", "turns: 2 measured, 0 failed", "of which not one 20 ms page frame: 0");
        for (RelayStage stage : RelayStage.values()) {
            Matcher row = Pattern.compile("(?m)^" + Pattern.quote(stage.label) + " +(\\d+) +([\\d.]+) +([\\d.]+) +([\\d.]+) +([\\d.]+)$")
                    .matcher(output);
            assertThat(row.find()).as(stage.label).isTrue();
            long count = Long.parseLong(row.group(1));
            // A frame every 20 ms for the whole run; one value per turn for the answer's stages.
            assertThat(count).as(stage.label).isGreaterThanOrEqualTo(stage == RelayStage.PAGE_TO_APPEND ? 100 : 2);
            assertThat(Double.parseDouble(row.group(2))).as(stage.label).isLessThanOrEqualTo(Double.parseDouble(row.group(5)));
        }
    }

    @Test
    void noTurnsIsOneLineAndStatus2() {
        StringWriter err = new StringWriter();

        int exit = UserErrors.commandLine(new BenchMain()).setErr(new PrintWriter(err, true)).execute("relay", "--turns", "0");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines().findFirst()).hasValueSatisfying(line -> assertThat(line).contains("--turns : 0 (expected: >= 1)"));
    }
}
