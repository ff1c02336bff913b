package io.rtvoice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The endpoints of transcription-only sessions: {@code ?intent=transcription}, no model in the URI. */
class TranscriptionEndpointTest {

    @Test
    void openAiTranscriptionIsTheGaPathWithTheIntentAndNoModel() {
        Endpoint endpoint = Endpoint.openAiTranscription();

        assertThat(endpoint.uri()).isEqualTo(URI.create("wss://api.openai.com/v1/realtime?intent=transcription"));
        assertThat(endpoint.dialect()).isEqualTo(Dialect.GA);
        assertThat(endpoint.service()).isEqualTo(Endpoint.Service.OPENAI);
        assertThat(endpoint.transcription()).isTrue();
        assertThat(endpoint.protocolHeaders()).isEmpty(); // GA: no beta header
    }

    @Test
    void azureTranscriptionIsTheV1PathOfTheResourceWithTheIntentAndNoDeployment() {
        Endpoint endpoint = Endpoint.azureTranscription(URI.create("https://my-resource.openai.azure.com/"));

        assertThat(endpoint.uri()).isEqualTo(URI.create("wss://my-resource.openai.azure.com/openai/v1/realtime?intent=transcription"));
        assertThat(endpoint.dialect()).isEqualTo(Dialect.GA);
        assertThat(endpoint.service()).isEqualTo(Endpoint.Service.AZURE);
        assertThat(endpoint.transcription()).isTrue();
        assertThat(endpoint.uri().getQuery()).doesNotContain("api-version").doesNotContain("model");
    }

    @Test
    void aCustomEndpointIsATranscriptionSessionWhenItsQuerySaysSo() {
        assertThat(Endpoint.custom(URI.create("ws://127.0.0.1:8765/v1/realtime?intent=transcription"), Dialect.GA).transcription())
                .isTrue();
        assertThat(Endpoint.custom(URI.create("ws://127.0.0.1:8765/v1/realtime?x=1&intent=transcription"), Dialect.GA).transcription())
                .isTrue();
        assertThat(Endpoint.custom(URI.create("ws://127.0.0.1:8765/v1/realtime?model=gpt-realtime"), Dialect.GA).transcription())
                .isFalse();
        assertThat(Endpoint.custom(URI.create("ws://127.0.0.1:8765/v1/realtime?intent=transcriptions"), Dialect.GA).transcription())
                .isFalse();
        assertThat(Endpoint.custom(URI.create("ws://127.0.0.1:8765/v1/realtime"), Dialect.GA).transcription()).isFalse();
    }

    @Test
    void conversationEndpointsAreNotTranscriptionSessions() {
        assertThat(Endpoint.openAi("gpt-realtime").transcription()).isFalse();
        assertThat(Endpoint.azure(URI.create("https://r.openai.azure.com"), "intent=transcription").transcription()).isFalse();
    }

    @Test
    void toStringSaysTranscriptionSinceItShowsNoQuery() {
        assertThat(Endpoint.azureTranscription(URI.create("https://r.openai.azure.com")).toString())
                .isEqualTo("Endpoint[wss://r.openai.azure.com/openai/v1/realtime, GA, AZURE, transcription]");
    }
}
