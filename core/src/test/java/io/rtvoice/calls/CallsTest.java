package io.rtvoice.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.event.SessionConfig;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Where {@link Calls} sends its requests and what it sends, and the sideband {@link Endpoint} of a call. */
class CallsTest {

    private static final Credentials KEY = Credentials.apiKey("sk-calls-unit-1a2b");

    @Test
    void theCallsAreUnderTheEndpointsRealtimePathOverHttps() {
        assertThat(Calls.builder().endpoint(Endpoint.openAi("gpt-realtime")).credentials(KEY).build().uri())
                .isEqualTo(URI.create("https://api.openai.com/v1/realtime/calls"));
        assertThat(Calls.builder().endpoint(Endpoint.custom(URI.create("ws://127.0.0.1:9/v1/realtime"), Dialect.GA)).credentials(KEY)
                .build().uri()).isEqualTo(URI.create("http://127.0.0.1:9/v1/realtime/calls"));
        assertThatThrownBy(() -> Calls.builder().endpoint(Endpoint.custom(URI.create("ws://example.com/v1/realtime"), Dialect.GA))
                .credentials(KEY).build()).hasMessageContaining("non-loopback");
        assertThatThrownBy(() -> Calls.builder().endpoint(Endpoint.openAiPreview("gpt-4o-realtime-preview")).credentials(KEY).build())
                .hasMessageContaining("GA");
    }

    @Test
    void theAcceptBodyIsTheGaSessionWithTypeAndTheEndpointsModel() throws Exception {
        JsonNode body = new ObjectMapper().readTree(Calls.acceptBody(SessionConfig.builder().instructions("Be brief.").build(), "gpt-realtime"));

        assertThat(body.get("type").asText()).isEqualTo("realtime");
        assertThat(body.get("model").asText()).isEqualTo("gpt-realtime");
        assertThat(body.get("instructions").asText()).isEqualTo("Be brief.");
        assertThat(body.has("session")).isFalse();
    }

    @Test
    void callIdsThatCouldLeaveThePathAndStatusesThatAreNotSipFailuresAreRefused() {
        Calls calls = Calls.builder().endpoint(Endpoint.openAi("gpt-realtime")).credentials(KEY).build();

        assertThatThrownBy(() -> calls.hangup("../client_secrets")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("callId");
        assertThatThrownBy(() -> calls.reject("rtc_1", 200)).hasMessageContaining("sipStatus : 200");
        assertThatThrownBy(() -> calls.refer("rtc_1", " ")).hasMessageContaining("targetUri");
        assertThat(calls.toString()).doesNotContain("sk-calls-unit-1a2b");
    }

    @Test
    void theSidebandEndpointOfACallNamesOnlyTheCall() {
        Endpoint openAi = Endpoint.openAiCall("rtc_abc123");
        assertThat(openAi.uri()).isEqualTo(URI.create("wss://api.openai.com/v1/realtime?call_id=rtc_abc123"));
        assertThat(openAi.callId()).isEqualTo("rtc_abc123");
        assertThat(openAi.service()).isEqualTo(Endpoint.Service.OPENAI);
        assertThat(openAi.toString()).contains("call rtc_abc123");

        Endpoint local = Endpoint.custom(URI.create("ws://127.0.0.1:8765/v1/realtime?model=gpt-realtime"), Dialect.GA).forCall("rtc_1");
        assertThat(local.uri()).isEqualTo(URI.create("ws://127.0.0.1:8765/v1/realtime?call_id=rtc_1"));
        assertThat(Endpoint.openAi("gpt-realtime").callId()).isNull();
        assertThatThrownBy(() -> Endpoint.openAiPreview("m").forCall("rtc_1")).hasMessageContaining("GA");
    }
}
