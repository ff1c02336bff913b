package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ServerEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Keys never reach a log record, stdout/stderr, an exception message or a toString(). */
class NoSecretLeakTest {

    private static final String GOOD_KEY = "sk-good-4f9a2c1e7b";
    private static final String BAD_KEY = "sk-bad-8d3e6f0a1c";

    @Test
    void keysAppearNowhere() throws Exception {
        StringBuilder seen = new StringBuilder();
        String everything = everythingLoggedOrPrintedWhile(seen, () -> {
            try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(GOOD_KEY).pace(0).log(true).start()) {
                URI http = URI.create("http://127.0.0.1:" + emulator.port());
                for (Endpoint endpoint : new Endpoint[] {
                        Endpoint.custom(emulator.uri("/v1/realtime?model=m"), Dialect.GA),
                        Endpoint.azure(http, "dep"), Endpoint.azurePreview(http, "dep", "2024-10-01-preview")}) {
                    RealtimeClient bad = RealtimeClient.builder().endpoint(endpoint).credentials(Credentials.apiKey(BAD_KEY)).build();
                    try {
                        bad.connect().block(Duration.ofSeconds(10));
                    } catch (RuntimeException e) {
                        seen.append(e).append('\n').append(e.getCause()).append('\n');
                    }
                    seen.append(bad).append('\n');
                    RealtimeClient good = RealtimeClient.builder().endpoint(endpoint).credentials(Credentials.apiKey(GOOD_KEY)).build();
                    seen.append(good).append('\n').append(endpoint).append('\n');
                    good.connect().flatMapMany(session -> {
                        session.send(new ClientEvent.ResponseCreate(null, null));
                        return session.events().takeUntil(e -> e instanceof ServerEvent.ResponseDone)
                                .doFinally(s -> session.closeGracefully().subscribe());
                    }).doOnNext(e -> seen.append(e).append('\n')).blockLast(Duration.ofSeconds(20));
                }
            }
        });
        assertThat(everything).contains("conn-1 open").contains("401");
        assertThat(everything).doesNotContain(GOOD_KEY).doesNotContain(BAD_KEY);
    }

    /**
     * An Azure key in the endpoint's query ({@code ?api-key=…}, which Azure accepts) is sent in the
     * {@code api-key} header instead: reactor-netty logs the URI it connects to, query and all, at DEBUG.
     */
    @Test
    void anAzureKeyInTheQueryIsSentAsItsHeaderAndNeverLogged() throws Exception {
        StringBuilder seen = new StringBuilder();
        String everything = everythingLoggedOrPrintedWhile(seen, () -> {
            try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(GOOD_KEY).pace(0).start()) {
                Credentials none = endpoint -> reactor.core.publisher.Mono.just(java.util.Map.of());
                RealtimeClient client = RealtimeClient.builder()
                        .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=m&api-key=" + GOOD_KEY), Dialect.GA))
                        .credentials(none).build();
                ServerEvent first = client.connect().flatMapMany(session -> session.events().take(1)
                        .doFinally(s -> session.closeGracefully().subscribe())).blockFirst(Duration.ofSeconds(20));
                seen.append(first).append('\n');
            }
        });
        assertThat(everything).contains("SessionCreated");
        assertThat(everything).doesNotContain(GOOD_KEY);
    }

    /** Runs {@code action} with every log level on, capturing log records and the console, and returns all of it. */
    private static String everythingLoggedOrPrintedWhile(StringBuilder seen, ThrowingRunnable action) throws Exception {
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                seen.append(r.getMessage()).append(' ').append(java.util.Arrays.toString(r.getParameters())).append('\n');
                if (r.getThrown() != null) {
                    seen.append(r.getThrown()).append('\n');
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        Level level = root.getLevel();
        root.setLevel(Level.ALL);
        root.addHandler(capture);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(console, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            action.run();
        } finally {
            System.setOut(out);
            System.setErr(err);
            root.removeHandler(capture);
            root.setLevel(level);
        }
        return seen + console.toString(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
