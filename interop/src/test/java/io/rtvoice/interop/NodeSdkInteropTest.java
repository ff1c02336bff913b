package io.rtvoice.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's official Node SDK ({@code openai}, pinned in {@code interop/node/package.json}), unmodified, against
 * the emulator's jar over {@code wss://} on loopback (the SDK dials nothing else). Each flow is
 * {@code interop/node/realtime-flows.mjs}; the SDK has no run-time model, so every server frame is checked
 * against its declarations (the event type is in its {@code RealtimeServerEvent} union; the event's required
 * top-level properties are present with their declared primitive kinds — see {@code server-event-model.mjs}).
 */
class NodeSdkInteropTest {

    static EmulatorProcess emulator;
    static Path logs;

    @BeforeAll
    static void startEmulator() throws Exception {
        SdkScript.requireNode(); // before anything starts: the whole class is skipped (or failed) with the reason
        logs = Files.createDirectories(SdkScript.interopDir().resolve("target/interop-logs/node"));
        emulator = EmulatorProcess.start(logs, "node");
    }

    @AfterAll
    static void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private String run(String flow) throws Exception {
        return SdkScript.node(emulator.certificate()).run(logs, flow, "--url", emulator.baseUrl());
    }

    @Test
    void theDeclaredModelCheckRefusesUnknownTypesMissingPropertiesAndWrongKinds() throws Exception {
        assertThat(SdkScript.node(emulator.certificate()).run(logs, "self-check")).contains("PASSED self-check");
    }

    @Test
    void gaTextInAudioOutThroughOpenAIRealtimeWS() throws Exception {
        assertThat(run("ga-text-audio")).contains("PASSED ga-text-audio");
    }

    @Test
    void gaToolCallIsAnsweredAndTheResponseContinuesWithTheToolsOutput() throws Exception {
        assertThat(run("ga-tool-call")).contains("PASSED ga-tool-call");
    }

    @Test
    void azureGaPathThroughTheAzureOpenAIClient() throws Exception {
        assertThat(run("azure-ga")).contains("PASSED azure-ga");
    }
}
