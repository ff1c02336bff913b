package io.rtvoice.emulator.testing;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.emulator.RealtimeEmulator;
import java.net.URI;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The emulator as a test fixture, shared by the tests of every module (the emulator's test jar): a
 * {@link RealtimeEmulator} on a free loopback port, started when first used, closed after the test class
 * when registered on a {@code static} field and after each test when registered on an instance field.
 * <pre>{@code
 * @RegisterExtension
 * static final EmulatorExtension emulator = EmulatorExtension.withKey(KEY).configure(b -> b.pace(0));
 *
 * @Test
 * void answers(RealtimeClient client) {       // a GA client of the emulator, with its key
 *     ... emulator.uri("/v1/realtime?model=m") ... emulator.client(Dialect.PREVIEW) ...
 * }
 * }</pre>
 * Test and lifecycle methods may take the {@link RealtimeEmulator} or a {@link RealtimeClient} as a
 * parameter; a class with several of these fixtures uses their fields instead. Starting lazily lets the
 * configuration read what a {@code @BeforeAll} method prepared (a TLS key, say). Clients need a transport
 * on the test class path (rtvoice-transport-websocket); the emulator itself does not.
 */
public final class EmulatorExtension implements BeforeAllCallback, AfterAllCallback, AfterEachCallback, ParameterResolver {

    /** What a client sends when the emulator accepts any key. */
    private static final String ANY_KEY = "emulator";

    private final String apiKey;
    private final UnaryOperator<RealtimeEmulator.Builder> configuration;
    private RealtimeEmulator emulator;
    private boolean perClass;

    private EmulatorExtension(String apiKey, UnaryOperator<RealtimeEmulator.Builder> configuration) {
        this.apiKey = apiKey;
        this.configuration = configuration;
    }

    /** An emulator that accepts any non-empty key, with the builder's defaults (real-time pace). */
    public static EmulatorExtension anyKey() {
        return new EmulatorExtension(null, UnaryOperator.identity());
    }

    /** An emulator that accepts only {@code apiKey}; the clients this fixture builds send it. */
    public static EmulatorExtension withKey(String apiKey) {
        return new EmulatorExtension(Objects.requireNonNull(apiKey, "apiKey"), UnaryOperator.identity());
    }

    /** The same fixture with more configuration, applied when the emulator starts (pace, faults, responder, TLS, ...). */
    public EmulatorExtension configure(UnaryOperator<RealtimeEmulator.Builder> more) {
        Objects.requireNonNull(more, "more");
        return new EmulatorExtension(apiKey, builder -> more.apply(configuration.apply(builder)));
    }

    /** The emulator, started on first use. */
    public synchronized RealtimeEmulator emulator() {
        if (emulator == null) {
            RealtimeEmulator.Builder builder = RealtimeEmulator.builder();
            if (apiKey != null) {
                builder.apiKey(apiKey);
            }
            emulator = configuration.apply(builder).start();
        }
        return emulator;
    }

    /** {@code ws://127.0.0.1:port}. */
    public URI uri() {
        return emulator().uri();
    }

    /** {@link #uri()} + {@code pathAndQuery}, e.g. {@code /v1/realtime?model=m}. */
    public URI uri(String pathAndQuery) {
        return emulator().uri(pathAndQuery);
    }

    /** The port it listens on. */
    public int port() {
        return emulator().port();
    }

    /** The emulator's endpoint for {@code dialect}: see {@link #endpoint(RealtimeEmulator, Dialect)}. */
    public Endpoint endpoint(Dialect dialect) {
        return endpoint(emulator(), dialect);
    }

    /**
     * An endpoint of {@code emulator} in {@code dialect}: GA at {@code /v1/realtime?model=m}, preview as
     * Azure's preview endpoint (deployment {@code d}, {@code api-version} 2024-10-01-preview). For tests that
     * start an emulator of their own.
     */
    public static Endpoint endpoint(RealtimeEmulator emulator, Dialect dialect) {
        return dialect == Dialect.GA ? Endpoint.custom(emulator.uri("/v1/realtime?model=m"), Dialect.GA)
                : Endpoint.azurePreview(URI.create("http://127.0.0.1:" + emulator.port()), "d", "2024-10-01-preview");
    }

    /** The key the emulator accepts, or any key when it accepts any. */
    public Credentials credentials() {
        return Credentials.apiKey(apiKey != null ? apiKey : ANY_KEY);
    }

    /** A client builder for {@code endpoint} with {@link #credentials()}; the test adds what it tests. */
    public RealtimeClient.Builder clientBuilder(Endpoint endpoint) {
        return RealtimeClient.builder().endpoint(endpoint).credentials(credentials());
    }

    /** A client of the emulator in {@code dialect}, with {@link #credentials()}. */
    public RealtimeClient client(Dialect dialect) {
        return clientBuilder(endpoint(dialect)).build();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true; // only a static field's extension is called before all tests
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == RealtimeEmulator.class || type == RealtimeClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RealtimeEmulator.class ? emulator() : client(Dialect.GA);
    }

    private synchronized void close() {
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
    }
}
