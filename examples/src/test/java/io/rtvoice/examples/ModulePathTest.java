package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Wav;
import io.rtvoice.emulator.SyntheticVoice;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module descriptors hold at run time, not only at compile time (tests otherwise run on the class
 * path): the quickstart program, started as module {@code io.rtvoice.examples} in a JVM of its own, finds
 * the WebSocket transport and the audio backends with {@code ServiceLoader} through {@code provides}, lets
 * Jackson and picocli reflect where the descriptors open, and plays its reply into a WAV file.
 */
class ModulePathTest {

    @Test
    void textInAudioOutRunsOnTheModulePath(@TempDir Path dir) throws Exception {
        Path played = dir.resolve("played.wav");
        String output = run(dir, "text-in-audio-out", "--text", "Modules", "--play", "wav:" + played);
        assertThat(output).contains("Response completed.");
        short[] reply = Pcm.toShorts(SyntheticVoice.speak("You said: Modules."));
        short[] device = Pcm.toShorts(Wav.read(played).data());
        assertThat(Files.size(played)).isPositive();
        assertThat(VoiceSessionTest.indexOf(device, reply, reply.length)).as("the whole reply in what was played")
                .isNotNegative();
    }

    /**
     * WebRTC's native library loads from webrtc-java's natives jar on the module path too: that jar has no
     * descriptor, and its automatic name is the Java module's own (webrtc.java), so it must not shadow it.
     */
    @Test
    void echoCancellationAndLocalVadRunOnTheModulePath(@TempDir Path dir) throws Exception {
        Path microphone = VoiceSessionTest.utterances(dir, "mic", 2000, "What time is it?");
        String output = run(dir, "voice-chat", "--input-file", microphone.toString(), "--output", "null",
                "--echo-cancel", "--local-vad", "--timeout-seconds", "60");
        assertThat(output).contains("[you are speaking]").contains("Assistant: You said: audio of").contains("<< Session Ended >>");
    }

    /** Runs the examples program as module {@code io.rtvoice.examples} in a JVM of its own; what it printed. */
    private static String run(Path dir, String... args) throws Exception {
        // The test's own class path, less what is only the tests' (their classes, test jars): main code and
        // its dependencies, which resolve as named or automatic modules.
        String modulePath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath, "-m", "io.rtvoice.examples/io.rtvoice.examples.ExamplesMain"));
        command.addAll(List.of(args));
        Path log = dir.resolve("output.txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("the program ended by itself; it printed:%n%s", output).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
