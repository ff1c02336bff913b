package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.emulator.cli.EmulatorOptions;
import io.rtvoice.emulator.cli.Target;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples pick their target from the environment; nothing here connects. */
class TargetTest {

    static Target from(Map<String, String> env) {
        return Target.from(env, new EmulatorOptions(), ExamplesMain::entraId);
    }

    @Test
    void noConfigurationMeansTheEmbeddedEmulator() {
        try (Target target = from(Map.of())) {
            assertThat(target.description()).startsWith("the embedded emulator at ws://127.0.0.1:");
        }
    }

    @Test
    void azureWithAKeyUsesTheGaEndpointAndTheKey() {
        try (Target target = from(Map.of("AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com",
                "AZURE_OPENAI_API_KEY", "azure-key-123", "AZURE_OPENAI_DEPLOYMENT_NAME", "my-realtime"))) {
            assertThat(target.description()).contains("with an API key").doesNotContain("azure-key-123");
            assertThat(target.client().endpoint().dialect()).isEqualTo(Dialect.GA);
            assertThat(target.client().endpoint().uri().toString())
                    .isEqualTo("wss://example.openai.azure.com/openai/v1/realtime?model=my-realtime");
        }
    }

    @Test
    void aPreviewApiVersionSelectsThePreviewEndpoint() {
        try (Target target = from(Map.of("AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com",
                "AZURE_OPENAI_API_KEY", "k", "OPENAI_API_VERSION", "2024-10-01-preview"))) {
            assertThat(target.client().endpoint().dialect()).isEqualTo(Dialect.PREVIEW);
            assertThat(target.client().endpoint().uri().getQuery()).contains("api-version=2024-10-01-preview");
        }
    }

    @Test
    void azureWithoutAKeySignsInWithEntraId() {
        try (Target target = from(Map.of("AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com"))) {
            assertThat(target.description()).endsWith("with Microsoft Entra ID");
            assertThat(target.client().toString()).contains("EntraIdCredentials(https://cognitiveservices.azure.com/.default");
        }
    }

    @Test
    void openAiWithAKey() {
        try (Target target = from(Map.of("OPENAI_API_KEY", "sk-abc", "OPENAI_MODEL", "gpt-realtime-mini"))) {
            assertThat(target.client().endpoint().uri().toString()).isEqualTo("wss://api.openai.com/v1/realtime?model=gpt-realtime-mini");
            assertThat(target.description()).doesNotContain("sk-abc");
        }
    }
}
