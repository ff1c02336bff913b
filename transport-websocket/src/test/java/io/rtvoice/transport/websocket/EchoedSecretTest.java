package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.SessionEndedException;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.transport.TransportException;
import java.net.URI;
import java.time.Duration;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * A server that echoes the key it was sent (in its HTTP reason phrase, an error event, a close reason)
 * makes the key appear in nothing the client surfaces or logs: every log level is on, and SuiteGuard
 * fails the class on any record, message or error that holds a key.
 */
class EchoedSecretTest {

    private static final String KEY = "sk-echoed-7c1d9e4a2b";
    private static final String REDACTED = "sk-\u2026redacted";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final StringBuilder logged = new StringBuilder();
    private final Handler capture = new Handler() {
        @Override
        public synchronized void publish(LogRecord r) {
            logged.append(r.getLevel()).append(' ').append(r.getMessage()).append(' ')
                    .append(java.util.Arrays.toString(r.getParameters())).append(' ').append(r.getThrown()).append('\n');
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level rootLevel;

    @BeforeEach
    void everyLevelLogged() {
        Logger root = Logger.getLogger("");
        rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        root.addHandler(capture);
    }

    @AfterEach
    void levelsRestored() {
        Logger root = Logger.getLogger("");
        root.removeHandler(capture);
        root.setLevel(rootLevel);
    }

    private static RealtimeClient client(Endpoint endpoint) {
        return RealtimeClient.builder().endpoint(endpoint).credentials(Credentials.apiKey(KEY)).build();
    }

    @Test
    void aKeyEchoedInTheHttpReasonPhraseIsRedactedFromTheExceptionAndTheLogs() {
        try (HostileServer server = new HostileServer(HostileServer.Mode.REFUSE_ECHOING_THE_KEY)) {
            for (Endpoint endpoint : new Endpoint[] {Endpoint.custom(server.uri("ws", "127.0.0.1"), Dialect.GA),
                    Endpoint.azure(URI.create("http://127.0.0.1:" + server.port()), "dep")}) {
                StepVerifier.create(client(endpoint).connect())
                        .expectErrorSatisfies(e -> {
                            assertThat(e).isInstanceOf(TransportException.class)
                                    .hasMessageContaining("HTTP 401 Incorrect key " + REDACTED)
                                    .hasMessageNotContaining(KEY);
                            assertThat(((TransportException) e).httpStatus()).isEqualTo(401);
                        })
                        .verify(TIMEOUT);
            }
            assertThat(server.requests).hasSize(2); // the key was sent, and came back
        }
        assertThat(logged.toString()).doesNotContain(KEY);
    }

    @Test
    void aKeyEchoedInAnErrorEventAndACloseReasonIsRedacted() {
        try (HostileServer server = new HostileServer(HostileServer.Mode.ACCEPT_THEN_ECHO_THE_KEY)) {
            RealtimeSession session = client(Endpoint.custom(server.uri("ws", "127.0.0.1"), Dialect.GA)).connect().block(TIMEOUT);
            StepVerifier.create(session.events())
                    .assertNext(e -> assertThat(((ServerEvent.Error) e).error().message())
                            .isEqualTo("Incorrect API key provided: " + REDACTED))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(SessionEndedException.class).hasMessageNotContaining(KEY);
                        assertThat(((SessionEndedException) e).closeStatus().code()).isEqualTo(1008);
                        assertThat(((SessionEndedException) e).closeStatus().reason()).isEqualTo("bad key " + REDACTED);
                    })
                    .verify(TIMEOUT);
            StepVerifier.create(session.closeStatus())
                    .assertNext(s -> assertThat(s.reason()).isEqualTo("bad key " + REDACTED))
                    .expectComplete()
                    .verify(TIMEOUT);
        }
        assertThat(logged.toString()).doesNotContain(KEY);
    }
}
