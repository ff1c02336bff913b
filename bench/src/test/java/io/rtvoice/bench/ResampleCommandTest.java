package io.rtvoice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.audio.AudioFormat;
import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Wav;
import io.rtvoice.emulator.cli.UserErrors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ResampleCommandTest {

    @TempDir
    Path dir;

    /** A stereo 48 kHz file (1 kHz left, 3 kHz right) comes out at 24 kHz, same length, in phase with the input. */
    @Test
    void resamplesEachChannelAndRemovesTheFilterDelay() throws Exception {
        int frames = 48_000;
        short[] stereo = new short[frames * 2];
        for (int i = 0; i < frames; i++) {
            stereo[2 * i] = (short) Math.round(16_000 * Math.sin(2 * Math.PI * 1000 * i / 48_000.0));
            stereo[2 * i + 1] = (short) Math.round(16_000 * Math.sin(2 * Math.PI * 3000 * i / 48_000.0));
        }
        Path in = dir.resolve("in.wav");
        Path out = dir.resolve("out.wav");
        Wav.write(in, AudioFormat.pcm16(48_000, 2), Pcm.toBytes(stereo));

        StringWriter printed = new StringWriter();
        CommandLine cli = UserErrors.commandLine(new BenchMain()).setOut(new PrintWriter(printed));
        assertThat(cli.execute("resample", in.toString(), out.toString(), "--rate", "24000")).isZero();

        Wav.Audio result = Wav.read(out);
        assertThat(result.format()).isEqualTo(AudioFormat.pcm16(24_000, 2));
        assertThat(result.frames()).isEqualTo(24_000);
        short[] samples = Pcm.toShorts(result.data());
        double worst = 0;
        for (int i = 200; i < 24_000 - 200; i++) { // away from the edges, where the filter sees the file's ends
            worst = Math.max(worst, Math.abs(samples[2 * i] - 16_000 * Math.sin(2 * Math.PI * 1000 * i / 24_000.0)));
            worst = Math.max(worst, Math.abs(samples[2 * i + 1] - 16_000 * Math.sin(2 * Math.PI * 3000 * i / 24_000.0)));
        }
        assertThat(worst).as("largest deviation from the ideal 24 kHz signal, in LSB").isLessThanOrEqualTo(2.0);
    }

    @Test
    void aMissingFileOrBadRateIsAnErrorNotACrash() {
        StringWriter err = new StringWriter();
        CommandLine cli = UserErrors.commandLine(new BenchMain()).setErr(new PrintWriter(err));
        assertThat(cli.execute("resample", dir.resolve("nope.wav").toString(), dir.resolve("o.wav").toString(), "--rate", "24000"))
                .isNotZero();
        assertThat(err.toString()).contains("nope.wav");
        assertThat(cli.execute("resample", "a.wav", "b.wav")).isNotZero();
        assertThat(err.toString()).contains("--rate");
    }
}
