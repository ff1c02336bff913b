package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.emulator.SyntheticVoice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The quickstart program on the embedded emulator prints the seed's lines and saves what it heard. */
class TextInAudioOutTest {

    @Test
    void printsTheSeedsOutputAndSavesTheAudio(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        TextInAudioOut program = new TextInAudioOut();
        program.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        program.env = Map.of(); // no service configured: the embedded emulator
        Path wav = dir.resolve("out.wav");

        int exit = new CommandLine(program).execute("--text", "Hello from the test", "--wav-out", wav.toString());

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exit).isZero();
        assertThat(lines.get(0)).startsWith("Connecting to the embedded emulator");
        assertThat(lines).contains("Received text delta: You", "Received text delta:  said:");
        assertThat(lines).anyMatch(l -> l.matches("Received \\d+ bytes of audio data\\."));
        assertThat(lines).contains("Response completed.");
        byte[] file = Files.readAllBytes(wav);
        assertThat(new String(file, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(SyntheticVoice.hear(Arrays.copyOfRange(file, 44, file.length), 24_000))
                .containsExactlyElementsOf(SyntheticVoice.expectedFrequencies("You said: Hello from the test."));
    }

    @Test
    void helpListsThePrograms() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        new CommandLine(new ExamplesMain()).setOut(new java.io.PrintWriter(captured, true)).execute("--help");
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("text-in-audio-out");
    }
}
