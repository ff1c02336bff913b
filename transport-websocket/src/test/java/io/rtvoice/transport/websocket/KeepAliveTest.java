package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.SessionEndedException;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.transport.TransportConnection;
import io.rtvoice.transport.TransportException;
import io.rtvoice.transport.TransportRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/** Pings keep a quiet connection alive, and a server that stops answering is found dead. */
class KeepAliveTest {

    static final String KEY = "sk-keepalive-test";
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final WebSocketTransport FAST_KEEPALIVE = WebSocketTransport.create()
            .keepAlive(Duration.ofMillis(50), Duration.ofMillis(300));

    static RealtimeClient client(RealtimeEmulator emulator, String query) {
        return RealtimeClient.builder()
                .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=m" + query), Dialect.GA))
                .credentials(Credentials.apiKey(KEY))
                .transport(FAST_KEEPALIVE)
                .build();
    }

    @Test
    void aStalledServerEndsTheSessionWithADeadPeerError() {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).start()) {
            // The emulator sends session.created, then nothing: no events and no pongs, socket left open.
            SessionEndedException ended = catchThrowableOfType(SessionEndedException.class,
                    () -> client(emulator, "&rtvoice_fault=stall_after:1").connect()
                            .flatMapMany(RealtimeSession::events).blockLast(TIMEOUT));

            assertThat(ended).isNotNull();
            assertThat(ended.closeStatus().code()).isEqualTo(1006);
            assertThat(ended.getCause()).isInstanceOf(TransportException.class)
                    .hasMessageContaining("presumed dead").hasMessageContaining("300 ms");
            assertThat(emulator.pingsReceived()).isPositive();
        }
    }

    @Test
    void pongsKeepAQuietConnectionAliveLongPastTheTimeout() {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).start()) {
            RealtimeSession session = client(emulator, "").connect().block(TIMEOUT);
            // 20 pings at 50 ms is over three dead-peer timeouts of silence but for the pongs.
            Flux.interval(Duration.ofMillis(10)).filter(tick -> emulator.pingsReceived() >= 20).blockFirst(TIMEOUT);

            session.send(new ClientEvent.SessionUpdate(null, SessionConfig.builder().instructions("still there?").build()));
            ServerEvent.SessionUpdated updated = session.events().ofType(ServerEvent.SessionUpdated.class).blockFirst(TIMEOUT);
            assertThat(updated.session().instructions()).isEqualTo("still there?");
            session.closeGracefully().block(TIMEOUT);
            assertThat(session.closeStatus().block(TIMEOUT).code()).isEqualTo(1000);
        }
    }

    @Test
    void theServersPingsAreAnsweredWithPongsEvenWithoutKeepAlive() {
        // A server that pings, then sends the payload of the first pong back as a text frame.
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.ws("/v1/realtime", (in, out) -> out
                        .sendObject(Mono.just(new PingWebSocketFrame(Unpooled.copiedBuffer("are you there", StandardCharsets.UTF_8))))
                        .then()
                        .thenMany(out.sendString(in.receiveFrames().ofType(PongWebSocketFrame.class).take(1)
                                .map(pong -> "pong: " + pong.content().toString(StandardCharsets.UTF_8))))
                        .then(in.receive().then())))
                .bindNow();
        try {
            TransportRequest request = new TransportRequest(URI.create("ws://127.0.0.1:" + server.port() + "/v1/realtime"),
                    Map.of(), List.of(), 1 << 16, TIMEOUT);
            TransportConnection connection = WebSocketTransport.create().withoutKeepAlive().connect(request).block(TIMEOUT);

            StepVerifier.create(connection.inbound().map(b -> new String(b, StandardCharsets.UTF_8)).take(1))
                    .expectNext("pong: are you there").expectComplete().verify(TIMEOUT);
            connection.close(1000, "done").block(TIMEOUT);
        } finally {
            server.disposeNow();
        }
    }

    @Test
    void keepAliveSettingsAreChecked() {
        WebSocketTransport transport = WebSocketTransport.create();
        assertThatThrownBy(() -> transport.keepAlive(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pingInterval");
        assertThatThrownBy(() -> transport.keepAlive(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadPeerTimeout");
    }
}
