package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** openai-sip on the emulator: the synthetic call is verified, accepted, followed on its sideband, and ends. */
class OpenAiSipTest {

    @Test
    void theEmulatorsCallIsVerifiedAcceptedFollowedAndEnds() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        OpenAiSip program = new OpenAiSip();
        program.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        program.env = Map.of();
        int status = new CommandLine(program).execute("--dtmf", "7#");
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(status).as(output).isZero();
        assertThat(output).contains("incoming call from", "accepted", "caller: audio of", "model: You said", "key 7", "key #",
                "the caller heard all of", "closed: ", "ended").doesNotContain("webhook refused", "failed:");
    }
}
