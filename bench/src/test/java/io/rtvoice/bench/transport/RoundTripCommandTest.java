package io.rtvoice.bench.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.bench.BenchMain;
import io.rtvoice.emulator.cli.UserErrors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The roundtrip command against the embedded emulator: both clients, both append counts, a figure each. */
class RoundTripCommandTest {

    @Test
    void bothClientsAreMeasuredForEveryAppendCount() {
        RoundTripCommand command = new RoundTripCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        int exit = new CommandLine(command).execute("--runs", "3", "--warmup", "1", "--appends", "2,0");

        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(exit).as(output).isZero();
        for (String client : new String[] {"rtvoice", "jdk"}) {
            for (int appends : new int[] {2, 0}) {
                assertThat(output).containsPattern("(?m)^  " + client + " +" + appends + " appends: p50 +[\\d.]+ ms  p90 +[\\d.]+ ms");
                assertThat(output).containsPattern("(?m)^  " + client + " +" + appends + " appends, from the run's first send: p50 +[\\d.]+ ms");
            }
        }
    }

    @Test
    void anUnknownClientIsOneLineAndStatus2() {
        StringWriter err = new StringWriter();

        int exit = UserErrors.commandLine(new BenchMain()).setErr(new PrintWriter(err, true)).execute("roundtrip", "--clients", "okhttp");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines().findFirst()).hasValueSatisfying(line -> assertThat(line).contains("--clients : okhttp (expected: rtvoice, jdk)"));
    }
}
