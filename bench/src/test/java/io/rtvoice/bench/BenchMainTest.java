package io.rtvoice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.emulator.cli.UserErrors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's mistakes as a person meets them: one line on standard error, exit status 2; --verbose adds the stack trace. */
class BenchMainTest {

    @TempDir
    Path dir;

    final StringWriter err = new StringWriter();

    int run(String... args) {
        return UserErrors.commandLine(new BenchMain()).setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void aMissingInputFileIsOneLineAndStatus2() {
        Path missing = dir.resolve("missing.wav");

        assertThat(run("latency", "--input-file", missing.toString(), "--out", dir.toString())).isEqualTo(2);

        assertThat(err.toString().lines().toList()).containsExactly("rtvoice-bench latency: no such file: " + missing);
    }

    @Test
    void verboseAddsTheStackTrace() {
        Path missing = dir.resolve("missing.wav");

        assertThat(run("resample", missing.toString(), dir.resolve("out.wav").toString(), "--rate", "24000", "--verbose")).isEqualTo(2);

        assertThat(err.toString().lines().findFirst()).contains("rtvoice-bench resample: no such file: " + missing);
        assertThat(err.toString()).contains("java.nio.file.NoSuchFileException", "\tat io.rtvoice.");
    }
}
