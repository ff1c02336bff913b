package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.FrameTooLargeException;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.emulator.RealtimeEmulator;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** maxFrameBytes holds for what the client sends, not only for what it receives. */
class SendFrameLimitTest {

    private static final String KEY = "sk-frame-limit-test";

    @Test
    void aSendOverMaxFrameBytesThrowsAndTheSessionStaysOpen() {
        try (RealtimeEmulator emulator = RealtimeEmulator.builder().apiKey(KEY).pace(0).start()) {
            RealtimeClient client = RealtimeClient.builder()
                    .endpoint(Endpoint.custom(emulator.uri("/v1/realtime?model=m"), Dialect.GA))
                    .credentials(Credentials.apiKey(KEY))
                    .maxFrameBytes(64 * 1024)
                    .build();
            RealtimeSession session = client.connect().block(Duration.ofSeconds(10));
            try {
                FrameTooLargeException refused = catchThrowableOfType(FrameTooLargeException.class,
                        () -> session.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("x".repeat(100_000)))));
                assertThat(refused).isNotNull();
                assertThat(refused.eventType()).isEqualTo("conversation.item.create");
                assertThat(refused.frameBytes()).isGreaterThan(100_000);
                assertThat(refused.maxFrameBytes()).isEqualTo(64 * 1024);
                assertThat(refused).hasMessageStartingWith("conversation.item.create frame : ")
                        .hasMessageContaining("(expected: <= 65536, the client's maxFrameBytes)");

                // The session is still open: a small turn after the refused one is answered.
                StepVerifier.create(session.events().filter(ServerEvent.ResponseDone.class::isInstance).take(1))
                        .then(() -> {
                            session.send(new ClientEvent.ConversationItemCreate(null, null, Item.userText("hello")));
                            session.send(new ClientEvent.ResponseCreate(null, null));
                        })
                        .expectNextCount(1)
                        .expectComplete()
                        .verify(Duration.ofSeconds(20));
            } finally {
                StepVerifier.create(session.closeGracefully()).expectComplete().verify(Duration.ofSeconds(10));
            }
        }
    }
}
