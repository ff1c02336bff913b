package io.rtvoice.bench.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.bench.BenchMain;
import io.rtvoice.emulator.cli.UserErrors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The sip command against the embedded emulator, over loopback, with a caller paced in real time. */
class SipCommandTest {

    @Test
    void twoTurnsReportEveryStageWithOneAppendPerPacket() {
        SipCommand command = new SipCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        int exit = new CommandLine(command).execute("--turns", "2", "--warmup-turns", "0");

        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("share this JVM over loopback", "turns: 2 measured, 0 failed", "calls ended by the gateway: 0",
                "of which not one 20 ms period: 0");
        for (SipStage stage : SipStage.values()) {
            Matcher row = Pattern.compile("(?m)^" + Pattern.quote(stage.label) + " +(\\d+) +([\\d.]+) +([\\d.]+) +([\\d.]+) +([\\d.]+)$")
                    .matcher(output);
            assertThat(row.find()).as(stage.label).isTrue();
            long count = Long.parseLong(row.group(1));
            // A packet every 20 ms for the whole run; one value per turn for the answer's stages.
            assertThat(count).as(stage.label).isGreaterThanOrEqualTo(stage == SipStage.RTP_TO_APPEND ? 100 : 2);
            assertThat(Double.parseDouble(row.group(2))).as(stage.label).isLessThanOrEqualTo(Double.parseDouble(row.group(5)));
        }
    }

    @Test
    void noCallsIsOneLineAndStatus2() {
        StringWriter err = new StringWriter();

        int exit = UserErrors.commandLine(new BenchMain()).setErr(new PrintWriter(err, true)).execute("sip", "--calls", "0");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines().findFirst()).hasValueSatisfying(line -> assertThat(line).contains("--calls : 0 (expected: 1..1000)"));
    }
}
