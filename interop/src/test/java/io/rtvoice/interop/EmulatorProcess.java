package io.rtvoice.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulator's command-line jar ({@code emulator/target/rtvoice-emulator.jar}) run as a child process on
 * a free loopback port, serving {@code wss://} with a self-signed certificate for {@code 127.0.0.1} made at
 * start-up: the Node SDK dials only {@code wss://}, and both SDKs then meet the same server. Its output goes
 * to {@link #log()}. {@link #close()} stops it (SIGTERM, then a kill after 10 s).
 */
final class EmulatorProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (wss://127\\.0\\.0\\.1:\\d+)");
    private static final long START_TIMEOUT_SECONDS = 60;

    private final Process process;
    private final String baseUrl;
    private final Path certificate;
    private final Path log;

    private EmulatorProcess(Process process, String baseUrl, Path certificate, Path log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.certificate = certificate;
        this.log = log;
    }

    /** Starts the jar named by the {@code rtvoice.emulator.jar} system property, with its files in {@code dir}. */
    static EmulatorProcess start(Path dir, String name) throws Exception {
        Path jar = Path.of(System.getProperty("rtvoice.emulator.jar", "../emulator/target/rtvoice-emulator.jar"));
        assertThat(jar).as("the emulator's command-line jar (build the emulator module first: -pl interop -am)").isRegularFile();
        Path certificate = dir.resolve("emulator-cert.pem");
        Path key = dir.resolve("emulator-key.pem");
        writeSelfSignedCertificate(dir, certificate, key);
        Path log = dir.resolve(name + "-emulator.log");

        Process process = new ProcessBuilder(java(), "-jar", jar.toString(), "--host", "127.0.0.1", "--port", "0",
                "--tls-cert", certificate.toString(), "--tls-key", key.toString())
                .redirectErrorStream(true).start();
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> copyLines(process.getInputStream(), log, listening), "emulator-output-" + name);
        pump.setDaemon(true);
        pump.start();
        try {
            // The emulator prints its address once it is bound: no polling, no guessed port.
            String url = listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new EmulatorProcess(process, url, certificate, log);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            throw new AssertionError("the emulator did not start within " + START_TIMEOUT_SECONDS + " s; its output:\n"
                    + (Files.exists(log) ? Files.readString(log) : "(none)"), e);
        }
    }

    /** {@code wss://127.0.0.1:<port>}. */
    String baseUrl() {
        return baseUrl;
    }

    /** The PEM certificate the emulator serves: the clients trust it and nothing else of ours. */
    Path certificate() {
        return certificate;
    }

    /** The emulator's output (connections and events it logged). */
    Path log() {
        return log;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void copyLines(InputStream in, Path log, CompletableFuture<String> listening) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line; (line = reader.readLine()) != null; ) {
                out.write(line);
                out.write('\n');
                out.flush();
                Matcher m = LISTENING.matcher(line);
                if (!listening.isDone() && m.find()) {
                    listening.complete(m.group(1));
                }
            }
            listening.completeExceptionally(new IOException("the emulator exited before it listened"));
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
    }

    /**
     * A self-signed EC certificate for {@code 127.0.0.1} (and {@code localhost}), valid two days, made with the
     * JDK's keytool and written as PEM: the certificate, and the key as unencrypted PKCS#8, as the emulator's
     * {@code --tls-cert} and {@code --tls-key} take them. No openssl needed.
     */
    private static void writeSelfSignedCertificate(Path dir, Path certificatePem, Path keyPem) throws Exception {
        Path keystore = dir.resolve("emulator.p12");
        Files.deleteIfExists(keystore);
        // A throw-away keystore in a temporary directory: its password protects nothing.
        String password = "interop";
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password,
                "-alias", "emulator", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, password.toCharArray());
        }
        Certificate certificate = keys.getCertificate("emulator");
        Key key = keys.getKey("emulator", password.toCharArray()); // PKCS#8-encoded
        Files.writeString(certificatePem, pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
