package io.rtvoice.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtvoice.AuthenticationException;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** What the client refuses to send, checked against a server that records what it gets. */
class CredentialHygieneTest {

    @Test
    void aKeyWithALineBreakIsRefusedAtConstructionAndTheMessageHoldsNoKey() {
        assertThatThrownBy(() -> Credentials.apiKey("sk-abc\r\nX-Injected: yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+000D at index 6")
                .hasMessageNotContaining("sk-abc");
        assertThatThrownBy(() -> Credentials.apiKey("sk-from-a-file\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the API key ends with a line break: trim it");
        assertThatThrownBy(() -> Credentials.apiKey("sk-tab\there"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("sk-tab");
    }

    @Test
    void aTokenWithALineBreakFailsTheConnectBeforeAnythingIsSent() {
        try (HostileServer server = new HostileServer(HostileServer.Mode.REFUSE_ECHOING_THE_KEY)) {
            RealtimeClient client = RealtimeClient.builder()
                    .endpoint(Endpoint.custom(server.uri("ws", "127.0.0.1"), Dialect.GA))
                    .credentials(Credentials.bearerToken(() -> Mono.just("entra-token-1\r\nX-Injected: yes")))
                    .build();
            StepVerifier.create(client.connect())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(AuthenticationException.class)
                            .hasMessageContaining("bearer token : control character U+000D at index 13")
                            .hasMessageNotContaining("entra-token"))
                    .verify(Duration.ofSeconds(10));
            assertThat(server.requests).isEmpty();
        }
    }
}
