package io.rtvoice.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.audio.Wav;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A mistake of the user's is one line and status 2, --verbose adds the stack trace, and a bug keeps its stack trace. */
class UserErrorsTest {

    @TempDir
    Path dir;

    final StringWriter err = new StringWriter();

    /** A command line whose subcommands fail as a user's mistake would make them, or as a bug. */
    @Command(name = "tool")
    static final class Tool {
        @Command(name = "read")
        int read(@Option(names = "--wav") Path wav) throws IOException {
            Wav.read(wav);
            return 0;
        }

        @Command(name = "call")
        int call(@Parameters(paramLabel = "PORT") int port) throws IOException {
            new Socket(InetAddress.getLoopbackAddress(), port).close();
            return 0;
        }

        @Command(name = "configure")
        int configure() {
            throw new io.rtvoice.transcription.TranscriptionException(new io.rtvoice.event.RealtimeError("invalid_request_error",
                    "invalid_value", "Invalid value: 'whisper-9'. Supported values are: 'gpt-4o-transcribe'.", "session.audio", null));
        }

        @Command(name = "crash")
        int crash() {
            throw new IllegalStateException("an invariant broke");
        }
    }

    int run(String... args) {
        return UserErrors.commandLine(new Tool()).setErr(new PrintWriter(err, true)).execute(args);
    }

    /** A model the service does not have is the user's to fix (`transcribe --model whisper-9`), not a bug. */
    @Test
    void settingsTheServiceRefusedAreOneLineAndStatus2() {
        assertThat(run("configure")).isEqualTo(UserErrors.MISTAKE);

        assertThat(err.toString()).isEqualTo("tool configure: invalid_request_error invalid_value: Invalid value: 'whisper-9'. "
                + "Supported values are: 'gpt-4o-transcribe'." + System.lineSeparator());
    }

    @Test
    void aMissingFileIsOneLineAndStatus2() {
        Path missing = dir.resolve("missing.wav");

        assertThat(run("read", "--wav", missing.toString())).isEqualTo(UserErrors.MISTAKE);

        assertThat(err.toString()).isEqualTo("tool read: no such file: " + missing + System.lineSeparator());
    }

    @Test
    void verboseAddsTheStackTraceOnAnySubcommand() {
        Path missing = dir.resolve("missing.wav");

        assertThat(run("read", "--wav", missing.toString(), "--verbose")).isEqualTo(UserErrors.MISTAKE);

        assertThat(err.toString().lines().findFirst()).contains("tool read: no such file: " + missing);
        assertThat(err.toString()).contains("java.nio.file.NoSuchFileException", "\tat ");
    }

    @Test
    void aFileThatIsNotWavIsOneLine() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.wav"), "these are notes, not audio");

        assertThat(run("read", "--wav", text.toString())).isEqualTo(UserErrors.MISTAKE);

        assertThat(err.toString().lines().toList()).containsExactly("tool read: notes.wav: not a WAV file: no RIFF/WAVE header");
    }

    @Test
    void aRefusedConnectionIsOneLineAndStatus2() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort(); // closed again: nothing listens there now
        }

        assertThat(run("call", String.valueOf(closedPort))).isEqualTo(UserErrors.MISTAKE);

        assertThat(err.toString().lines().toList()).singleElement().asString().startsWith("tool call: Connection refused");
    }

    @Test
    void aBadOptionIsOneLineWithASuggestion() {
        assertThat(run("read", "--wave", "x.wav")).isEqualTo(UserErrors.MISTAKE);

        assertThat(err.toString().lines().toList()).singleElement().asString()
                .startsWith("tool read: Unknown options: '--wave', 'x.wav'")
                .contains("did you mean --wav?")
                .endsWith("see 'tool read --help'");
    }

    @Test
    void aBugKeepsItsStackTraceAndStatus1() {
        assertThat(run("crash")).isEqualTo(UserErrors.BUG);

        assertThat(err.toString()).startsWith("java.lang.IllegalStateException: an invariant broke").contains("\tat ");
    }

    @Test
    void everyCommandHasVerboseInItsHelp() {
        StringWriter out = new StringWriter();
        CommandLine cli = UserErrors.commandLine(new Tool()).setOut(new PrintWriter(out, true));
        cli.getSubcommands().get("read").usage(new PrintWriter(out, true));

        assertThat(out.toString()).contains("--verbose");
    }
}
