package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Wav;
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

    /** {@code --play wav:FILE}: the reply goes through the playout buffer and an output device into the file. */
    @Test
    void playsTheReplyThroughAnAudioBackendChosenByName(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        TextInAudioOut program = new TextInAudioOut();
        program.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        program.env = Map.of();
        Path played = dir.resolve("played.wav");

        int exit = new CommandLine(program).execute("--text", "Play me", "--play", "wav:" + played);

        assertThat(exit).isZero();
        assertThat(captured.toString(StandardCharsets.UTF_8)).containsPattern("Played \\d+ ms through .*played\\.wav.*, 0 underruns");
        short[] reply = Pcm.toShorts(SyntheticVoice.speak("You said: Play me."));
        short[] device = Pcm.toShorts(Wav.read(played).data());
        // The device heard silence until the pre-buffer filled, then the reply, every sample, in order.
        int start = indexOf(device, reply);
        assertThat(start).as("the whole reply, contiguous, in what the device played").isNotNegative();
        for (int i = 0; i < start; i++) {
            assertThat(device[i]).isZero();
        }
    }

    static int indexOf(short[] haystack, short[] needle) {
        for (int at = 0; at + needle.length <= haystack.length; at++) {
            if (Arrays.equals(haystack, at, at + needle.length, needle, 0, needle.length)) {
                return at;
            }
        }
        return -1;
    }

    @Test
    void helpListsThePrograms() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        new CommandLine(new ExamplesMain()).setOut(new java.io.PrintWriter(captured, true)).execute("--help");
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("text-in-audio-out");
    }
}
