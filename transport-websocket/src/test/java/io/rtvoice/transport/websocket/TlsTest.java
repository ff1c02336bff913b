package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.emulator.testing.EmulatorExtension;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.transport.TransportException;
import io.rtvoice.transport.websocket.WebSocketTransport.TlsEngine;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code wss://} against the emulator serving a self-signed certificate for {@code localhost} only,
 * made with the JDK's keytool: trust, host-name verification, and both TLS engines.
 */
class TlsTest {

    static final String KEY = "sk-tls-test";
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final char[] PASSWORD = "changeit".toCharArray();
    static KeyManagerFactory keyManagers;
    static TrustManagerFactory trustTheTestCertificate;

    /** Started on first use, after {@link #start} has made its certificate. */
    @RegisterExtension
    static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.tls(keyManagers));

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("localhost.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD),
                "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD);
        }
        keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        Certificate certificate = keys.getCertificate("localhost");
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("localhost", certificate);
        trustTheTestCertificate = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustTheTestCertificate.init(trusted);
    }

    static RealtimeClient client(String host, WebSocketTransport transport) {
        URI uri = URI.create("wss://" + host + ":" + emulator.port() + "/v1/realtime?model=m");
        return RealtimeClient.builder().endpoint(Endpoint.custom(uri, Dialect.GA)).credentials(Credentials.apiKey(KEY))
                .transport(transport).build();
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void aTrustedCertificateForTheHostConnects(TlsEngine engine) {
        WebSocketTransport transport = WebSocketTransport.create().tlsEngine(engine).trust(trustTheTestCertificate);
        RealtimeSession session = client("localhost", transport).connect().block(TIMEOUT);
        ServerEvent first = session.events().blockFirst(TIMEOUT);
        assertThat(first).isInstanceOf(ServerEvent.SessionCreated.class);
        session.closeGracefully().block(TIMEOUT);
        assertThat(session.closeStatus().block(TIMEOUT).code()).isEqualTo(1000);
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void aCertificateForAnotherHostIsRefusedEvenWhenTrusted(TlsEngine engine) {
        WebSocketTransport transport = WebSocketTransport.create().tlsEngine(engine).trust(trustTheTestCertificate);
        // Same server, reached as 127.0.0.1: the certificate names only localhost.
        TransportException refused = catchThrowableOfType(TransportException.class,
                () -> client("127.0.0.1", transport).connect().block(TIMEOUT));
        assertThat(refused).isNotNull();
        assertThat(causes(refused)).anyMatch(SSLHandshakeException.class::isInstance);
        assertThat(refused.getMessage()).doesNotContain(KEY);
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void aSelfSignedCertificateIsRefusedByTheDefaultTrustStore(TlsEngine engine) {
        TransportException refused = catchThrowableOfType(TransportException.class,
                () -> client("localhost", WebSocketTransport.create().tlsEngine(engine)).connect().block(TIMEOUT));
        assertThat(refused).isNotNull();
        assertThat(causes(refused)).anyMatch(SSLHandshakeException.class::isInstance);
    }

    @Test
    void autoPicksOpenSslWhenNettyTcnativeIsPresent() {
        // netty-tcnative-boringssl-static is on this module's test class path.
        assertThat(WebSocketTransport.create().effectiveTlsEngine()).isEqualTo(TlsEngine.OPENSSL);
        assertThat(WebSocketTransport.create().tlsEngine(TlsEngine.JDK).effectiveTlsEngine()).isEqualTo(TlsEngine.JDK);
    }

    static List<Throwable> causes(Throwable t) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }
}
