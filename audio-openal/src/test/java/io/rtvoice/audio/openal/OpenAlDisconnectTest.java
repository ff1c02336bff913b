package io.rtvoice.audio.openal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sound server dies while the OpenAL output plays and the input captures: both report
 * {@code DEVICE_LOST}, and close still ends every thread. The server is one this test starts (PulseAudio
 * with a null sink, in a directory of its own) and kills; the OpenAL side runs in a child JVM, since the
 * server a process talks to is fixed by its environment.
 */
class OpenAlDisconnectTest {

    @Test
    void serverDeathIsDeviceLostForOutputAndInputAndCloseStillCleansUp(@TempDir Path dir) throws Exception {
        Path pulseaudio = Path.of("/usr/bin/pulseaudio");
        String reason = "no " + pulseaudio + " to start a sound server of this test's own";
        if ("1".equals(System.getenv("RTVOICE_REQUIRE_AUDIO"))) {
            assertThat(pulseaudio).as(reason).isExecutable();
        }
        assumeTrue(Files.isExecutable(pulseaudio), reason);

        Path socket = dir.resolve("native");
        Path script = dir.resolve("null.pa");
        Files.writeString(script, "load-module module-native-protocol-unix socket=" + socket + " auth-anonymous=1\n"
                + "load-module module-null-sink sink_name=probe rate=48000 channels=2\n"
                + "set-default-sink probe\nset-default-source probe.monitor\n");
        Process server = null;
        Process probe = null;
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            ProcessBuilder serverBuilder = new ProcessBuilder(pulseaudio.toString(), "-n", "--daemonize=no",
                    "--exit-idle-time=-1", "-F", script.toString(), "--log-target=stderr")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("pulse.log").toFile());
            serverBuilder.environment().put("XDG_RUNTIME_DIR", dir.toString());
            serverBuilder.environment().put("HOME", dir.toString());
            server = serverBuilder.start();
            while (!Files.exists(socket)) { // the server is up once its socket is there
                WatchKey key = watch.poll(10, TimeUnit.SECONDS);
                assertThat(key).as("the sound server creates its socket; its log: %s", read(dir.resolve("pulse.log"))).isNotNull();
                key.pollEvents();
                key.reset();
            }

            ProcessBuilder probeBuilder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), DisconnectProbe.class.getName())
                    .redirectError(dir.resolve("probe.err").toFile());
            probeBuilder.environment().put("PULSE_SERVER", "unix:" + socket);
            probe = probeBuilder.start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                    if (line.equals("READY")) {
                        server.destroy(); // SIGTERM to the server this test started
                    }
                }
            }
            assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
            System.out.println("openal server death: " + lines);
            assertThat(lines).as("probe stderr: %s", read(dir.resolve("probe.err"))).contains("READY", "threads []", "released true");
            assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("output DEVICE_LOST"));
            assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("capture DEVICE_LOST"));
        } finally {
            for (Process p : new Process[] {probe, server}) {
                if (p != null && p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
