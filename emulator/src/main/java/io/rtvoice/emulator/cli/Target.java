package io.rtvoice.emulator.cli;

import io.rtvoice.Credentials;
import io.rtvoice.Dialect;
import io.rtvoice.Endpoint;
import io.rtvoice.RealtimeClient;
import io.rtvoice.emulator.RealtimeEmulator;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a command line connects, from the environment: Azure OpenAI ({@code AZURE_OPENAI_ENDPOINT},
 * {@code AZURE_OPENAI_API_KEY} or else Microsoft Entra ID, {@code AZURE_OPENAI_DEPLOYMENT_NAME}; preview
 * dialect when {@code OPENAI_API_VERSION} names a preview version), OpenAI ({@code OPENAI_API_KEY},
 * optional {@code OPENAI_MODEL}), or else an emulator started in-process with the command's
 * {@link EmulatorOptions}. Shared by the examples and the bench's {@code latency} command.
 *
 * <p>{@link #transcriptionFrom} is the same choice for a transcription-only session: the service's
 * transcription endpoint ({@code ?intent=transcription}, GA; the deployment names in the environment are not
 * used, as the transcription model is named by the session's configuration), or the emulator's.
 *
 * <p>Signing in with Entra ID is the caller's to supply (typically
 * {@code EntraIdCredentials.of(new DefaultAzureCredentialBuilder().build())}), so that azure-identity is a
 * dependency of the programs that offer it, not of the emulator. It is asked for only when Azure has no key.
 */
public final class Target implements AutoCloseable {

    private final RealtimeClient client;
    private final String description;
    private final RealtimeEmulator emulator;

    private Target(RealtimeClient client, String description, RealtimeEmulator emulator) {
        this.client = client;
        this.description = description;
        this.emulator = emulator;
    }

    /** The service the environment names, or else an emulator started in-process with {@code emulator}'s settings. */
    public static Target from(Map<String, String> env, EmulatorOptions emulator, Supplier<Credentials> entraId) {
        return service(env, entraId).orElseGet(() -> embedded(emulator.builder().start()));
    }

    /**
     * For a transcription session: the service the environment names, at its transcription endpoint, or else
     * an emulator started in-process with {@code emulator}'s settings, at its.
     */
    public static Target transcriptionFrom(Map<String, String> env, EmulatorOptions emulator, Supplier<Credentials> entraId) {
        return service(env, entraId, true).orElseGet(() -> embeddedTranscription(emulator.builder().start()));
    }

    /** The service the environment names (Azure OpenAI or OpenAI), if it names one, at its transcription endpoint. */
    public static Optional<Target> transcriptionService(Map<String, String> env, Supplier<Credentials> entraId) {
        return service(env, entraId, true);
    }

    /** The service the environment names (Azure OpenAI or OpenAI), if it names one. */
    public static Optional<Target> service(Map<String, String> env, Supplier<Credentials> entraId) {
        return service(env, entraId, false);
    }

    private static Optional<Target> service(Map<String, String> env, Supplier<Credentials> entraId, boolean transcription) {
        Objects.requireNonNull(entraId, "entraId");
        String azure = env.get("AZURE_OPENAI_ENDPOINT");
        if (azure != null && !azure.isBlank()) {
            String key = env.get("AZURE_OPENAI_API_KEY");
            String deployment = env.getOrDefault("AZURE_OPENAI_DEPLOYMENT_NAME", "gpt-realtime");
            String version = env.get("OPENAI_API_VERSION");
            boolean keyless = key == null || key.isBlank();
            // Without a key, sign in with Microsoft Entra ID: environment, workload or managed identity, Azure CLI, ...
            Credentials credentials = keyless ? entraId.get() : Credentials.apiKey(key);
            Endpoint endpoint = transcription ? Endpoint.azureTranscription(URI.create(azure))
                    : version != null && version.contains("preview")
                    ? Endpoint.azurePreview(URI.create(azure), deployment, version)
                    : Endpoint.azure(URI.create(azure), deployment);
            return Optional.of(new Target(RealtimeClient.builder().endpoint(endpoint).credentials(credentials).build(),
                    "Azure OpenAI " + endpoint + (keyless ? " with Microsoft Entra ID" : " with an API key"), null));
        }
        String openAiKey = env.get("OPENAI_API_KEY");
        if (openAiKey != null && !openAiKey.isBlank()) {
            Endpoint endpoint = transcription ? Endpoint.openAiTranscription()
                    : Endpoint.openAi(env.getOrDefault("OPENAI_MODEL", "gpt-realtime"));
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

    /** An emulator the caller started, for a transcription session ({@code /v1/realtime?intent=transcription}); closing the target closes it. */
    public static Target embeddedTranscription(RealtimeEmulator emulator) {
        Endpoint endpoint = Endpoint.custom(emulator.uri("/v1/realtime?intent=transcription"), Dialect.GA);
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
