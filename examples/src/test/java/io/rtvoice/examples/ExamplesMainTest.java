package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.emulator.cli.UserErrors;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The programs' mistakes as a person meets them: one line on standard error, exit status 2. */
class ExamplesMainTest {

    @TempDir
    Path dir;

    final StringWriter err = new StringWriter();

    /** {@code rtvoice-examples} as {@code main} runs it, in this JVM, with {@code env} as the environment. */
    int run(Map<String, String> env, String... args) {
        CommandLine cli = UserErrors.commandLine(new ExamplesMain()).setErr(new PrintWriter(err, true));
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        TextInAudioOut textInAudioOut = cli.getSubcommands().get("text-in-audio-out").getCommand();
        textInAudioOut.env = env;
        textInAudioOut.out = quiet;
        VoiceChat voiceChat = cli.getSubcommands().get("voice-chat").getCommand();
        voiceChat.env = env;
        voiceChat.out = quiet;
        return cli.execute(args);
    }

    List<String> errLines() {
        return err.toString().lines().toList();
    }

    @Test
    void aMissingInputFileIsOneLineAndStatus2() {
        Path missing = dir.resolve("missing.wav");

        int exit = run(Map.of(), "voice-chat", "--input-file", missing.toString(), "--output", "null");

        assertThat(exit).isEqualTo(2);
        assertThat(errLines()).singleElement().asString().startsWith("rtvoice-examples voice-chat: ").contains(missing.toString());
    }

    @Test
    void verboseAddsTheStackTrace() {
        Path missing = dir.resolve("missing.wav");

        int exit = run(Map.of(), "voice-chat", "--input-file", missing.toString(), "--output", "null", "--verbose");

        assertThat(exit).isEqualTo(2);
        assertThat(errLines().get(0)).startsWith("rtvoice-examples voice-chat: ").contains(missing.toString());
        assertThat(err.toString()).contains("io.rtvoice.audio.AudioDeviceException", "\tat io.rtvoice.");
    }

    @Test
    void aRefusedConnectionIsOneLineAndStatus2() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort(); // closed again: nothing listens there now
        }
        Map<String, String> azure = Map.of("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:" + closedPort,
                "AZURE_OPENAI_API_KEY", "sk-refused-0123456789");

        int exit = run(azure, "text-in-audio-out", "--timeout-seconds", "20");

        assertThat(exit).isEqualTo(2);
        assertThat(errLines()).singleElement().asString().startsWith("rtvoice-examples text-in-audio-out: ")
                .contains("127.0.0.1:" + closedPort).doesNotContain("sk-refused");
    }

    @Test
    void anUnknownAudioBackendIsOneLineAndStatus2() {
        int exit = run(Map.of(), "text-in-audio-out", "--play", "no-such-backend");

        assertThat(exit).isEqualTo(2);
        assertThat(errLines()).singleElement().asString().startsWith("rtvoice-examples text-in-audio-out: ").contains("no-such-backend");
    }

    @Test
    void aBadOptionIsOneLineAndStatus2() {
        assertThat(run(Map.of(), "voice-chat", "--vad-threshold", "loud")).isEqualTo(2);

        assertThat(errLines()).singleElement().asString().startsWith("rtvoice-examples voice-chat: ").contains("--vad-threshold", "loud");
    }
}
