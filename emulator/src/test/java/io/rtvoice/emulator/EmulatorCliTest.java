package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.emulator.cli.UserErrors;
import io.rtvoice.event.ServerEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The command line starts, answers a client, and stops cleanly on a termination signal; the user's mistakes
 * are one line and exit status 2.
 */
class EmulatorCliTest {

    @Test
    void cliStartsAnswersAndStopsCleanly() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EmulatorMain.class.getName(),
                "--port", "0", "--api-key", "sk-cli-secret").redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            output.add(line);
            Matcher m = Pattern.compile("listening on (ws://[0-9.]+:[0-9]+)").matcher(line);
            assertThat(m.find()).as(line).isTrue();

            try (WsClient c = WsClient.connect(URI.create(m.group(1) + "/v1/realtime?model=gpt-realtime"), Dialect.GA,
                    Map.of("Authorization", "Bearer sk-cli-secret"))) {
                assertThat(c.next()).isInstanceOf(ServerEvent.SessionCreated.class);
            }
            process.toHandle().destroy(); // SIGTERM, as Ctrl-C (Process.destroy would also close our end of its output)
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            for (String l; (l = out.readLine()) != null; ) {
                output.add(l);
            }
        } finally {
            process.destroyForcibly();
        }
        assertThat(output).anyMatch(l -> l.contains("conn-1 open GA /v1/realtime"));
        assertThat(output).anyMatch(l -> l.contains("conn-1 -> session.created"));
        assertThat(output.get(output.size() - 1)).contains("stopped");
        assertThat(String.join("\n", output)).doesNotContain("sk-cli-secret");
    }

    @Test
    void allowedOriginReplacesTheLoopbackPagesWithTheOriginsNamed() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EmulatorMain.class.getName(),
                "--port", "0", "--quiet", "--allowed-origin", "https://app.example:8443,https://other.example")
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            Matcher m = Pattern.compile("listening on (ws://[0-9.]+:[0-9]+)").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            URI ga = URI.create(m.group(1) + "/v1/realtime?model=gpt-realtime");

            assertThat(WsClient.refusedStatus(ga, Map.of("Origin", "https://app.example:8443", "api-key", "any"))).isEqualTo(101);
            assertThat(WsClient.refusedStatus(ga, Map.of("Origin", "https://other.example", "api-key", "any"))).isEqualTo(101);
            assertThat(WsClient.refusedStatus(ga, Map.of("Origin", "http://localhost:3000", "api-key", "any"))).isEqualTo(403);
            assertThat(WsClient.refusedStatus(ga, Map.of("api-key", "any"))).as("a program, no Origin").isEqualTo(101);
        } finally {
            process.toHandle().destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void verboseLogsEveryEventInTheDialectsOwnNamesAndEveryCloseButNoKey() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EmulatorMain.class.getName(),
                "--port", "0", "--pace", "0", "--api-key", "sk-verbose-secret", "--verbose").redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            Matcher m = Pattern.compile("listening on (ws://[0-9.]+:[0-9]+)").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            URI uri = URI.create(m.group(1) + "/v1/realtime?model=gpt-realtime");
            try (WsClient ga = WsClient.connect(uri, Dialect.GA, Map.of("Authorization", "Bearer sk-verbose-secret"))) {
                ga.send(new io.rtvoice.event.ClientEvent.ResponseCreate(null, null));
                ga.await(ServerEvent.ResponseDone.class);
                assertThat(ga.closeAndAwaitReply(1000, "bye").closeCode()).isEqualTo(1000);
            }
            try (WsClient preview = WsClient.connect(uri, Dialect.PREVIEW,
                    Map.of("Authorization", "Bearer sk-verbose-secret", "OpenAI-Beta", "realtime=v1"))) {
                preview.send(new io.rtvoice.event.ClientEvent.ResponseCreate(null, null));
                preview.await(ServerEvent.ResponseDone.class);
                assertThat(preview.closeAndAwaitReply(4000, "done here").closeCode()).isEqualTo(4000);
            }
            process.toHandle().destroy();
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            for (String l; (l = out.readLine()) != null; ) {
                output.add(l);
            }
        } finally {
            process.destroyForcibly();
        }
        assertThat(output).contains("[rtvoice-emulator] conn-1 -> session.created", "[rtvoice-emulator] conn-1 <- response.create",
                "[rtvoice-emulator] conn-1 -> response.output_audio.delta", "[rtvoice-emulator] conn-1 <- close 1000 \"bye\"",
                "[rtvoice-emulator] conn-1 -> close 1000 \"bye\"",
                "[rtvoice-emulator] conn-2 -> conversation.created", "[rtvoice-emulator] conn-2 -> response.audio.delta",
                "[rtvoice-emulator] conn-2 -> response.audio_transcript.done",
                "[rtvoice-emulator] conn-2 <- close 4000 \"done here\"");
        assertThat(output).noneMatch(l -> l.startsWith("[rtvoice-emulator] conn-2") && l.contains("output_audio"));
        assertThat(String.join("\n", output)).doesNotContain("sk-verbose-secret");
    }

    @Test
    void aValueOutOfRangeIsOneLineAndStatus2() {
        StringWriter err = new StringWriter();

        int exit = UserErrors.commandLine(new EmulatorMain()).setErr(new PrintWriter(err, true)).execute("--port", "0", "--pace", "-1");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines().toList()).containsExactly(
                "rtvoice-emulator: --pace : -1.0 (expected: >= 0); see 'rtvoice-emulator --help'");
    }

    @Test
    void aPortInUseIsOneLineAndStatus2() throws Exception {
        StringWriter err = new StringWriter();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int exit = UserErrors.commandLine(new EmulatorMain()).setErr(new PrintWriter(err, true))
                    .execute("--port", String.valueOf(taken.getLocalPort()), "--quiet");

            assertThat(exit).isEqualTo(2);
        }
        assertThat(err.toString().lines().toList()).singleElement().asString()
                .startsWith("rtvoice-emulator: ").containsIgnoringCase("address already in use");
    }

    @Test
    void anUnreadableTlsCertificateIsOneLineAndStatus2(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path notPem = java.nio.file.Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        StringWriter err = new StringWriter();

        int exit = UserErrors.commandLine(new EmulatorMain()).setErr(new PrintWriter(err, true))
                .execute("--port", "0", "--quiet", "--tls-cert", notPem.toString(), "--tls-key", notPem.toString());

        // picocli refuses a ParameterException built with neither ArgSpec nor value: this once ended as a bug, exit 1.
        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString().lines().toList()).singleElement().asString().startsWith("rtvoice-emulator: ");
    }
}
