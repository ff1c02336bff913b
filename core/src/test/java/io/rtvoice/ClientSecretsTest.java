package io.rtvoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtvoice.event.ClientSecret;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Where {@link ClientSecrets} mints keys and what it sends; the round trip over a socket is tested against the emulator. */
class ClientSecretsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void openAiMintsAtTheV1ClientSecretsPathOverHttps() {
        assertThat(ClientSecrets.clientSecretsUri(Endpoint.openAi("gpt-realtime")))
                .isEqualTo(URI.create("https://api.openai.com/v1/realtime/client_secrets"));
    }

    @Test
    void azureGaMintsAtTheResourcesOpenaiV1Path() {
        Endpoint azure = Endpoint.azure(URI.create("https://my-resource.openai.azure.com/"), "my-deployment");

        assertThat(ClientSecrets.clientSecretsUri(azure))
                .isEqualTo(URI.create("https://my-resource.openai.azure.com/openai/v1/realtime/client_secrets"));
        assertThat(ClientSecrets.modelOf(azure)).isEqualTo("my-deployment");
    }

    @Test
    void aLoopbackWsEndpointMintsOverPlainHttpWithItsPort() {
        Endpoint emulator = Endpoint.custom(URI.create("ws://127.0.0.1:8765/v1/realtime?model=gpt-realtime"), Dialect.GA);

        assertThat(ClientSecrets.clientSecretsUri(emulator)).isEqualTo(URI.create("http://127.0.0.1:8765/v1/realtime/client_secrets"));
        assertThat(ClientSecrets.clientSecretsUri(Endpoint.custom(URI.create("ws://localhost:1/v1/realtime"), Dialect.GA)))
                .isEqualTo(URI.create("http://localhost:1/v1/realtime/client_secrets"));
        assertThat(ClientSecrets.clientSecretsUri(Endpoint.custom(URI.create("ws://[::1]:2/openai/v1/realtime"), Dialect.GA)))
                .isEqualTo(URI.create("http://[::1]:2/openai/v1/realtime/client_secrets"));
    }

    @Test
    void plainHttpToAHostThatIsNotLoopbackIsRefused() {
        Endpoint remote = Endpoint.custom(URI.create("ws://example.com/v1/realtime?model=m"), Dialect.GA);

        assertThatThrownBy(() -> ClientSecrets.builder().endpoint(remote).credentials(Credentials.apiKey("sk-test")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refusing unencrypted http:// to non-loopback host example.com");
        // A name that merely starts like loopback is not looked up, and not trusted.
        assertThatThrownBy(() -> ClientSecrets.clientSecretsUri(Endpoint.custom(URI.create("ws://127.0.0.1.example.com/v1/realtime"),
                Dialect.GA))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void previewEndpointsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ClientSecrets.clientSecretsUri(Endpoint.openAiPreview("gpt-4o-realtime-preview")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a GA endpoint")
                .hasMessageContaining("/realtime/sessions");
        assertThatThrownBy(() -> ClientSecrets.clientSecretsUri(Endpoint.azurePreview(URI.create("https://r.openai.azure.com"), "d",
                "2025-04-01-preview"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEndpointWhosePathIsNotRealtimeIsRefused() {
        assertThatThrownBy(() -> ClientSecrets.clientSecretsUri(Endpoint.custom(URI.create("wss://h/v1/chat"), Dialect.GA)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoint path : /v1/chat (expected: …/realtime)");
    }

    @Test
    void theBodyIsTheGaSessionWithTheEndpointsModelAndTheTtl() throws Exception {
        SessionConfig session = SessionConfig.builder().instructions("Be brief.").voice("marin")
                .turnDetection(TurnDetection.DISABLED).build();

        JsonNode body = JSON.readTree(ClientSecrets.requestBody(session, "gpt-realtime", 60));

        assertThat(body.at("/expires_after/anchor").asText()).isEqualTo("created_at");
        assertThat(body.at("/expires_after/seconds").asLong()).isEqualTo(60);
        assertThat(body.at("/session/type").asText()).isEqualTo("realtime");
        assertThat(body.at("/session/model").asText()).isEqualTo("gpt-realtime");
        assertThat(body.at("/session/instructions").asText()).isEqualTo("Be brief.");
        assertThat(body.at("/session/audio/output/voice").asText()).isEqualTo("marin");
        assertThat(body.at("/session/audio/input/turn_detection").isNull()).isTrue(); // switched off, in GA's nested shape
        assertThat(body.at("/session").has("voice")).isFalse(); // not the preview's flat shape
    }

    @Test
    void aModelTheSessionNamesIsKept() throws Exception {
        JsonNode body = JSON.readTree(ClientSecrets.requestBody(SessionConfig.builder().model("gpt-realtime-mini").build(), "gpt-realtime", 600));

        assertThat(body.at("/session/model").asText()).isEqualTo("gpt-realtime-mini");
    }

    @Test
    void aPreviewOnlySettingIsRefusedNamingTheField() {
        assertThatThrownBy(() -> ClientSecrets.requestBody(SessionConfig.builder().temperature(0.8).build(), null, 600))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("session.temperature");
    }

    @Test
    void ttlMustBeWholeSecondsFromTenToTwoHours() {
        assertThat(ClientSecrets.ttlSeconds(Duration.ofSeconds(10))).isEqualTo(10);
        assertThat(ClientSecrets.ttlSeconds(Duration.ofHours(2))).isEqualTo(7200);
        assertThatThrownBy(() -> ClientSecrets.ttlSeconds(Duration.ofSeconds(9)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl : PT9S (expected: whole seconds, 10..7200 s)");
        assertThatThrownBy(() -> ClientSecrets.ttlSeconds(Duration.ofSeconds(7201))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientSecrets.ttlSeconds(Duration.ofMillis(10_500))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void createChecksTheTtlBeforeAnythingIsSent() {
        ClientSecrets secrets = ClientSecrets.builder().endpoint(Endpoint.openAi("gpt-realtime")).credentials(Credentials.apiKey("sk-x")).build();

        assertThatThrownBy(() -> secrets.create(SessionConfig.builder().build(), Duration.ofHours(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl : PT3H");
    }

    @Test
    void anEphemeralKeyNeverShowsItsValue() {
        EphemeralKey key = new EphemeralKey(new ClientSecret("ek_abcdef123456", 1_756_310_470L),
                SessionConfig.builder().id("sess_1").build());

        assertThat(key.value()).isEqualTo("ek_abcdef123456");
        assertThat(key.expiresAt()).isEqualTo(Instant.ofEpochSecond(1_756_310_470L));
        assertThat(key.toString()).doesNotContain("abcdef").contains("sess_1").contains("2025-08-27");
        assertThat(key.credentials().toString()).doesNotContain("abcdef");
        assertThat(key.credentials().headers(Endpoint.azure(URI.create("https://r"), "d")).block())
                .containsEntry("Authorization", "Bearer ek_abcdef123456"); // a bearer token on Azure too
    }

    @Test
    void toStringShowsWhereButNoCredential() {
        ClientSecrets secrets = ClientSecrets.builder().endpoint(Endpoint.openAi("gpt-realtime")).credentials(Credentials.apiKey("sk-secret1"))
                .build();

        assertThat(secrets.toString()).isEqualTo("ClientSecrets[https://api.openai.com/v1/realtime/client_secrets, Credentials.apiKey(<redacted>)]");
    }
}
