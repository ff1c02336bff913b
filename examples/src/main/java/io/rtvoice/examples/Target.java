package io.rtvoice.examples;

import com.azure.identity.DefaultAzureCredentialBuilder;
import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.EntraIdCredentials;
import io.rtvoice.RealtimeClient;
import io.rtvoice.emulator.RealtimeEmulator;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where the examples connect, from the environment: Azure OpenAI ({@code AZURE_OPENAI_ENDPOINT},
 * {@code AZURE_OPENAI_API_KEY} or else Microsoft Entra ID through {@code DefaultAzureCredential},
 * {@code AZURE_OPENAI_DEPLOYMENT_NAME}; preview dialect when
 * {@code OPENAI_API_VERSION} names a preview version), OpenAI ({@code OPENAI_API_KEY}, optional
 * {@code OPENAI_MODEL}), or else an emulator started in-process. Public for the bench's latency
 * command, which points at the same targets.
 */
public final class Target implements AutoCloseable {

    final RealtimeClient client;
    final String description;
    private final RealtimeEmulator emulator;

    private Target(RealtimeClient client, String description, RealtimeEmulator emulator) {
        this.client = client;
        this.description = description;
        this.emulator = emulator;
    }

    /** The service the environment names, or else an emulator started in-process at four times real time. */
    public static Target from(Map<String, String> env) {
        return service(env).orElseGet(() -> embedded(RealtimeEmulator.builder().pace(4).start()));
    }

    /** The service the environment names (Azure OpenAI or OpenAI), if it names one. */
    public static Optional<Target> service(Map<String, String> env) {
        String azure = env.get("AZURE_OPENAI_ENDPOINT");
        if (azure != null && !azure.isBlank()) {
            String key = env.get("AZURE_OPENAI_API_KEY");
            String deployment = env.getOrDefault("AZURE_OPENAI_DEPLOYMENT_NAME", "gpt-realtime");
            String version = env.get("OPENAI_API_VERSION");
            boolean keyless = key == null || key.isBlank();
            // Without a key, sign in with Microsoft Entra ID: environment, workload or managed identity, Azure CLI, ...
            Credentials credentials = keyless ? EntraIdCredentials.of(new DefaultAzureCredentialBuilder().build())
                    : Credentials.apiKey(key);
            Endpoint endpoint = version != null && version.contains("preview")
                    ? Endpoint.azurePreview(URI.create(azure), deployment, version)
                    : Endpoint.azure(URI.create(azure), deployment);
            return Optional.of(new Target(RealtimeClient.builder().endpoint(endpoint).credentials(credentials).build(),
                    "Azure OpenAI " + endpoint + (keyless ? " with Microsoft Entra ID" : " with an API key"), null));
        }
        String openAiKey = env.get("OPENAI_API_KEY");
        if (openAiKey != null && !openAiKey.isBlank()) {
            Endpoint endpoint = Endpoint.openAi(env.getOrDefault("OPENAI_MODEL", "gpt-realtime"));
            return Optional.of(new Target(RealtimeClient.builder().endpoint(endpoint)
                    .credentials(Credentials.apiKey(openAiKey)).build(), "OpenAI " + endpoint, null));
        }
        return Optional.empty();
    }

    /** An emulator the caller started; closing the target closes it. */
    public static Target embedded(RealtimeEmulator emulator) {
        Endpoint endpoint = Endpoint.custom(emulator.uri("/v1/realtime?model=gpt-realtime"), Dialect.GA);
        return new Target(RealtimeClient.builder().endpoint(endpoint).credentials(Credentials.apiKey("emulator")).build(),
                "the embedded emulator at " + emulator.uri(), emulator);
    }

    /** The client, built once. */
    public RealtimeClient client() {
        return client;
    }

    /** Where it connects, for people (never the key). */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (emulator != null) {
            emulator.close();
        }
    }
}
