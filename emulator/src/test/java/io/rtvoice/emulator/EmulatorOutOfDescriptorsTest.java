package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The emulator in a JVM of its own with 256 file descriptors (prlimit), and 300 idle sockets: accepts fail
 * with EMFILE; once the sockets are gone, it accepts again — it never stops accepting while it is up.
 */
@EnabledOnOs(OS.LINUX)
class EmulatorOutOfDescriptorsTest {

    @Test
    void afterRunningOutOfFileDescriptorsTheEmulatorAcceptsAgain() throws Exception {
        Path prlimit = Path.of("/usr/bin/prlimit");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(prlimit), "prlimit (util-linux) is needed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path errors = Files.createTempFile("emulator-stderr", ".txt");
        Process process = new ProcessBuilder(prlimit.toString(), "--nofile=256:256", java, "-cp", System.getProperty("java.class.path"),
                EmulatorMain.class.getName(), "--port", "0", "--quiet", "--max-connections", "100000")
                .redirectError(errors.toFile()).start();
        List<Socket> idle = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            Matcher m = Pattern.compile("listening on ws://[0-9.]+:([0-9]+)").matcher(String.valueOf(line));
            assertThat(m.find()).as(line).isTrue();
            int port = Integer.parseInt(m.group(1));

            for (int i = 0; i < 300; i++) {
                idle.add(new Socket("127.0.0.1", port)); // completes in the kernel's backlog, accepted or not
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.readString(errors).contains("accept failed") && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // polls the emulator's standard error
            }
            assertThat(Files.readString(errors)).as("the emulator ran out of descriptors").contains("accept failed").contains("Too many open files");
            for (Socket s : idle) {
                s.close();
            }

            // Accepting pauses a second after each failed accept, and the backlog drains first.
            URI uri = URI.create("ws://127.0.0.1:" + port + "/v1/realtime?model=m");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean upgraded = false;
            while (!upgraded && System.nanoTime() < until) {
                try (WsClient c = WsClient.connect(uri, Dialect.GA, Map.of("api-key", "any"))) {
                    upgraded = c.nextRaw(Duration.ofSeconds(5)).text().contains("session.created");
                } catch (RuntimeException notYet) {
                    // closed or refused while descriptors are still short
                }
            }
            assertThat(upgraded).as("the emulator accepts again").isTrue();
            assertThat(process.isAlive()).isTrue();
        } finally {
            for (Socket s : idle) {
                s.close();
            }
            process.toHandle().destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(errors);
        }
    }
}
