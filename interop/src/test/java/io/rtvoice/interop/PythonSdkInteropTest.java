package io.rtvoice.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's official Python SDK ({@code openai}, pinned in {@code interop/python/requirements.txt}), unmodified,
 * against the emulator's jar over {@code wss://} on loopback. Each flow is {@code interop/python/realtime_flows.py};
 * it parses every server frame strictly with the SDK's pydantic model of the dialect's server events and fails
 * on an unknown event type, a missing field or a field of the wrong type.
 */
class PythonSdkInteropTest {

    static EmulatorProcess emulator;
    static Path logs;

    @BeforeAll
    static void startEmulator() throws Exception {
        SdkScript.requirePython(); // before anything starts: the whole class is skipped (or failed) with the reason
        logs = Files.createDirectories(SdkScript.interopDir().resolve("target/interop-logs/python"));
        emulator = EmulatorProcess.start(logs, "python");
    }

    @AfterAll
    static void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private String run(String flow, String... more) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--url", emulator.baseUrl(), "--ca", emulator.certificate().toString()));
        arguments.addAll(List.of(more));
        return SdkScript.python().run(logs, flow, arguments.toArray(String[]::new));
    }

    @Test
    void theStrictModelCheckRefusesUnknownTypesMissingFieldsAndWrongTypes() throws Exception {
        assertThat(SdkScript.python().run(logs, "self-check")).contains("PASSED self-check");
    }

    @Test
    void gaTextInAudioOutThroughTheRealtimeClient() throws Exception {
        assertThat(run("ga-text-audio")).contains("PASSED ga-text-audio");
    }

    @Test
    void gaToolCallIsAnsweredAndTheResponseContinuesWithTheToolsOutput() throws Exception {
        assertThat(run("ga-tool-call")).contains("PASSED ga-tool-call");
    }

    @Test
    void azureGaPathThroughTheV1BaseUrl() throws Exception {
        assertThat(run("azure-ga")).contains("PASSED azure-ga");
    }

    @Test
    void previewDialectThroughTheBetaRealtimeClient() throws Exception {
        assertThat(run("preview-text-audio")).contains("PASSED preview-text-audio");
    }

    @Test
    void azurePreviewPathThroughTheAzureClientsBetaRealtimeClient() throws Exception {
        // AsyncAzureOpenAI(azure_endpoint=..., api_version="2024-10-01-preview"): /openai/realtime?api-version=&deployment=
        assertThat(run("azure-preview")).contains("PASSED azure-preview");
    }

    @Test
    @Disabled("emulator (unverified against Azure): on /openai/realtime the emulator's session.created/updated say "
            + "session.model = the deployment's name ('my-preview-deployment'); the Python SDK's beta model (openai 3.22.1, "
            + "SessionCreatedEvent.session.model) allows only OpenAI model names, so the strict parse refuses the frame. "
            + "Passes when the deployment is named after its model (the test above). See interop/README.md")
    void azurePreviewPathWithADeploymentNotNamedAfterItsModel() throws Exception {
        assertThat(run("azure-preview", "--deployment", "my-preview-deployment")).contains("PASSED azure-preview");
    }
}
