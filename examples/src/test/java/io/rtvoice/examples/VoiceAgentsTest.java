package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.agent.History;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code voice-agents} with a WAV file as the microphone against the embedded emulator: the receptionist hands the
 * caller to the scheduler, whose booking waits for the console's answer, and the history is saved.
 */
class VoiceAgentsTest {

    @TempDir
    Path dir;

    @Test
    void theReceptionistHandsOffAndTheBookingRunsOnceApproved() throws Exception {
        Path microphone = VoiceSessionTest.utterances(dir, "mic", 3000, "I would like an appointment.", "Tuesday, please.");
        Path history = dir.resolve("history.json");
        String printed = run("y\n", "--input-file", microphone.toString(), "--output", "null", "--save-history", history.toString());

        assertThat(printed).contains("[agent] receptionist has the call", "[handoff] receptionist -> scheduler",
                "[agent] scheduler has the call", "Approve book_appointment {\"day\":\"Tuesday\",\"reason\":\"a check-up\"}? [y/N]",
                "[approval] approved", "[tool] book_appointment -> {\"day\":\"Tuesday\",\"time\":\"09:00\",\"reference\":\"BK-");
        assertThat(printed).contains("scheduler: Hello, this is the scheduler. Which day would suit you?");
        assertThat(printed).containsPattern("scheduler: You are booked: \\{\"day\":\"Tuesday\",.*\\}\\.");
        assertThat(printed.lines().toList()).last().isEqualTo("<< Call ended >>");

        History saved = History.fromJson(Files.readString(history));
        assertThat(saved.lastAgent()).isEqualTo("scheduler");
        assertThat(saved.entries()).filteredOn(e -> e instanceof History.ToolCall).extracting(e -> ((History.ToolCall) e).name())
                .containsExactly("transfer_to_scheduler", "book_appointment");
        // The caller spoke: their turns are kept with the transcripts (the emulator's are the audio's length).
        assertThat(saved.entries()).filteredOn(e -> e instanceof History.UserMessage).hasSize(2)
                .allSatisfy(e -> {
                    assertThat(((History.UserMessage) e).audio()).isTrue();
                    assertThat(((History.UserMessage) e).text()).matches("audio of \\d+ milliseconds");
                });
        assertThat(saved.entries()).filteredOn(e -> e instanceof History.AssistantMessage)
                .extracting(e -> ((History.AssistantMessage) e).agent()).containsOnly("scheduler");
    }

    @Test
    void aBookingTheConsoleRefusesDoesNotRunAndACallGoesOnFromTheSavedHistory() throws Exception {
        Path microphone = VoiceSessionTest.utterances(dir, "mic", 3000, "I would like an appointment.", "Tuesday, please.");
        Path history = dir.resolve("history.json");
        String first = run("n\n", "--input-file", microphone.toString(), "--output", "null", "--save-history", history.toString());
        assertThat(first).contains("[approval] not approved: the person at the desk said no",
                "scheduler: I could not book it: it was not approved.").doesNotContain("You are booked");

        Path again = VoiceSessionTest.utterances(dir, "again", 3000, "Tuesday, please.");
        String second = run("", "--input-file", again.toString(), "--output", "null", "--auto-approve",
                "--restore-history", history.toString());
        assertThat(second).contains("<< Call started with the scheduler >>", "[approval] approved")
                .doesNotContain("[handoff]");
    }

    /** Runs voice-agents on the embedded emulator, the console answering {@code console}; what it printed, once it exited with 0. */
    private static String run(String console, String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        VoiceAgents program = new VoiceAgents();
        program.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        program.in = new ByteArrayInputStream(console.getBytes(StandardCharsets.UTF_8));
        program.env = Map.of();
        int exit = new CommandLine(program).execute(args);
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        return printed;
    }
}
