package io.rtvoice.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
        logs = Files.createDirectories(SdkScript.interopDir().resolve("target/interop-logs/python"));
        emulator = EmulatorProcess.start(logs, "python");
    }

    @AfterAll
    static void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private String run(String flow) throws Exception {
        return SdkScript.python().run(logs, flow, "--url", emulator.baseUrl(), "--ca", emulator.certificate().toString());
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
}
