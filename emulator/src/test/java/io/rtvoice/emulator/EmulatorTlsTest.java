package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.Dialect;
import io.rtvoice.event.ServerEvent;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wss://} from PEM files, as a Node or browser client needs it: a self-signed certificate for
 * {@code localhost} and {@code 127.0.0.1} made at test time with the JDK's keytool, written as PEM, served by the
 * builder and by the command line, and trusted by the JDK's WebSocket client.
 */
class EmulatorTlsTest {

    static final char[] PASSWORD = "changeit".toCharArray();
    static Path certificatePem;
    static Path keyPem;
    static SSLContext trustingTheCertificate;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("localhost.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD),
                "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD);
        }
        Certificate certificate = keys.getCertificate("localhost");
        Key key = keys.getKey("localhost", PASSWORD); // PKCS#8 encoded
        certificatePem = Files.writeString(dir.resolve("localhost.crt"), pem("CERTIFICATE", certificate.getEncoded()));
        keyPem = Files.writeString(dir.resolve("localhost.key"), pem("PRIVATE KEY", key.getEncoded()));

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("localhost", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        trustingTheCertificate = SSLContext.getInstance("TLS");
        trustingTheCertificate.init(null, trust.getTrustManagers(), null);
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    static WsClient connect(URI uri) {
        HttpClient http = HttpClient.newBuilder().sslContext(trustingTheCertificate).build();
        return WsClient.connect(http, uri, Dialect.GA, Map.of("Authorization", "Bearer sk-tls"));
    }

    @Test
    void pemCertificateAndKeyServeWssAndTheUriSaysSo() throws Exception {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().tls(certificatePem, keyPem).start()) {
            assertThat(emulator.uri().getScheme()).isEqualTo("wss");
            try (WsClient c = connect(emulator.uri("/v1/realtime?model=gpt-realtime"))) {
                assertThat(c.next()).isInstanceOf(ServerEvent.SessionCreated.class);
            }
        }
    }

    @Test
    void aKeyThatIsNotPemIsRefusedAtStartNamingTheFile(@TempDir Path dir) throws Exception {
        Path notAKey = Files.writeString(dir.resolve("not-a.key"), "not a key\n");

        assertThatThrownBy(() -> RealtimeEmulator.builder().tls(certificatePem, notAKey).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not-a.key");
    }

    @Test
    void cliTlsCertAndKeyServeWss() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EmulatorMain.class.getName(),
                "--port", "0", "--tls-cert", certificatePem.toString(), "--tls-key", keyPem.toString())
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            output.add(line);
            Matcher m = Pattern.compile("listening on (wss://[0-9.]+:[0-9]+)").matcher(String.valueOf(line));
            assertThat(m.find()).as(line).isTrue();

            try (WsClient c = connect(URI.create(m.group(1) + "/v1/realtime?model=gpt-realtime"))) {
                assertThat(c.next()).isInstanceOf(ServerEvent.SessionCreated.class);
            }
            process.toHandle().destroy();
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }
}
