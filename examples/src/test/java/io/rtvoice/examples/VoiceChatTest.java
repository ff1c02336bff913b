package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.audio.Pcm;
import io.rtvoice.audio.Wav;
import io.rtvoice.emulator.SyntheticVoice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code voice-chat} with a WAV file as the microphone and another as the speaker, against the embedded
 * emulator: two spoken turns, each answered, each answer played whole, and the program exits by itself.
 */
class VoiceChatTest {

    @Test
    void answersEverySpokenTurnPlaysTheAnswersAndExits(@TempDir Path dir) throws Exception {
        // Three seconds between the turns: the first answer (about a second) ends before the second turn even
        // on a loaded machine, so neither is a barge-in (VoiceSessionTest covers those).
        Path microphone = VoiceSessionTest.utterances(dir, "mic", 3000, "What time is it?", "Thank you, goodbye.");
        Path speaker = dir.resolve("speaker.wav");
        String printed = chat("--input-file", microphone.toString(), "--output", "wav:" + speaker, "--timeout-seconds", "60");
        List<String> lines = printed.lines().toList();
        assertThat(lines).filteredOn(l -> l.equals("[you are speaking]")).hasSize(2);
        assertThat(printed).doesNotContain("[interrupted]").doesNotContain("[response cancelled");
        // The emulator "transcribes" a turn as its length and answers by repeating the transcript.
        List<String> heardMs = lines.stream().filter(l -> l.startsWith("You: audio of ")).map(l -> l.replaceAll("\\D", ""))
                .toList();
        assertThat(heardMs).as(printed).hasSize(2);
        List<String> answers = lines.stream().filter(l -> l.startsWith("Assistant: ")).map(l -> l.substring(11)).toList();
        assertThat(answers).containsExactly("You said: audio of " + heardMs.get(0) + " milliseconds.",
                "You said: audio of " + heardMs.get(1) + " milliseconds.");
        assertThat(printed).containsPattern("\\[latency\\] voice to voice \\d+ ms");
        assertThat(lines).last().isEqualTo("<< Session Ended >>");

        // Both answers reached the speaker whole and in order.
        short[] heard = Pcm.toShorts(Wav.read(speaker).data());
        int from = 0;
        for (String answer : answers) {
            short[] reply = Pcm.toShorts(SyntheticVoice.speak(answer));
            int at = VoiceSessionTest.indexOf(java.util.Arrays.copyOfRange(heard, from, heard.length), reply, reply.length);
            assertThat(at).as("'%s' played whole after sample %d", answer, from).isNotNegative();
            from += at + reply.length;
        }
        // "What time is it?" is about a second of espeak speech, "Thank you, goodbye." a little longer.
        assertThat(Integer.parseInt(heardMs.get(0))).isBetween(500, 3000);
        assertThat(Integer.parseInt(heardMs.get(1))).isGreaterThan(Integer.parseInt(heardMs.get(0)));
    }

    @Test
    void withEchoCancellationAndLocalVadTheClientTakesTheTurns(@TempDir Path dir) throws Exception {
        Path microphone = VoiceSessionTest.utterances(dir, "mic", 3000, "What time is it?", "Thank you, goodbye.");
        Path speaker = dir.resolve("speaker.wav");
        String printed = chat("--input-file", microphone.toString(), "--output", "wav:" + speaker, "--echo-cancel", "--local-vad",
                "--timeout-seconds", "60");
        List<String> lines = printed.lines().toList();
        // The local detector found both turns; the server, whose turn detection is off, answered each commit.
        assertThat(lines).as(printed).filteredOn(l -> l.equals("[you are speaking]")).hasSize(2);
        assertThat(printed).doesNotContain("[interrupted]").doesNotContain("[response cancelled");
        List<String> heardMs = lines.stream().filter(l -> l.startsWith("You: audio of ")).map(l -> l.replaceAll("\\D", ""))
                .toList();
        assertThat(heardMs).as(printed).hasSize(2);
        // Only speech was sent: each turn is its utterance with 300 ms of pre-roll and 500 ms of silence after it,
        // not the 3 s gaps between them.
        assertThat(heardMs).allSatisfy(ms -> assertThat(Integer.parseInt(ms)).isBetween(1_000, 3_000));
        assertThat(lines.stream().filter(l -> l.startsWith("Assistant: You said: audio of "))).hasSize(2);
        assertThat(lines).last().isEqualTo("<< Session Ended >>");
    }

    /** Runs voice-chat on the embedded emulator with {@code args}; what it printed, once it exited with 0. */
    private static String chat(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        VoiceChat program = new VoiceChat();
        program.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        program.env = Map.of();
        int exit = new CommandLine(program).execute(args);
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        return printed;
    }
}
