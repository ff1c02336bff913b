package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.event.ServerEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One client holds more sessions to one endpoint than reactor-netty's default connection pool allows (500):
 * a WebSocket keeps its connection for life, so a pooled client stopped at 500 and every later connect
 * waited for a free slot until it timed out.
 */
class ManySessionsTest {

    static final int SESSIONS = 600;

    @Test
    void sixHundredSessionsToOneEndpointAllConnect() {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().start()) {
            RealtimeClient client = RealtimeClient.builder()
                    .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA))
                    .credentials(Credentials.apiKey("many-sessions")).build();
            List<RealtimeSession> sessions = Flux.range(0, SESSIONS)
                    .flatMap(i -> client.connect(), 64)
                    .collectList().block(Duration.ofMinutes(2));
            try {
                assertThat(sessions).hasSize(SESSIONS);
                // Every one of them is live: its first event arrives.
                List<ServerEvent> first = Flux.fromIterable(sessions).flatMap(s -> s.events().next(), 64)
                        .collectList().block(Duration.ofMinutes(1));
                assertThat(first).hasSize(SESSIONS).allMatch(e -> e instanceof ServerEvent.SessionCreated);
            } finally {
                Flux.fromIterable(sessions).flatMap(s -> s.closeGracefully().onErrorResume(e -> Mono.empty()), 64)
                        .then().block(Duration.ofMinutes(1));
            }
        }
    }
}
