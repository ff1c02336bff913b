package io.rtvoice.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rtvoice.Dialect;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void toStringNeverShowsCredentials() {
        Tool mcp = new Tool("mcp", null, null, null, "crm", "https://mcp.example", null, null, "Bearer sk-supersecret",
                null, JsonNodeFactory.instance.objectNode().put("X-Api-Key", "sk-headersecret"), null, null, null, null);
        ClientSecret secret = new ClientSecret("ek_ephemeralsecret", 1L);
        SessionConfig session = SessionConfig.builder().tools(List.of(mcp)).clientSecret(secret).build();

        assertThat(mcp.toString()).doesNotContain("sk-supersecret").doesNotContain("sk-headersecret").contains("<redacted>");
        assertThat(secret.toString()).doesNotContain("ek_ephemeralsecret");
        assertThat(session.toString()).doesNotContain("sk-supersecret", "sk-headersecret", "ek_ephemeralsecret");
        assertThat(new ClientEvent.SessionUpdate(null, session).toString()).doesNotContain("sk-supersecret", "ek_ephemeralsecret");
    }

    @Test
    void audioEventsShowSizesNotBytes() {
        assertThat(new ClientEvent.InputAudioBufferAppend("e", new byte[960]).toString()).contains("<960 bytes>");
        assertThat(new ServerEvent.ResponseOutputAudioDelta("e", "r", "i", 0, 0, new byte[4800]).toString()).contains("<4800 bytes>");
        assertThat(ContentPart.inputAudio("QUJD".repeat(1000)).toString()).contains("<4000 base64 chars>").doesNotContain("QUJDQUJD");
    }

    @Test
    void audioEventsCompareByContent() {
        assertThat(new ClientEvent.InputAudioBufferAppend("e", new byte[] {1, 2}))
                .isEqualTo(new ClientEvent.InputAudioBufferAppend("e", new byte[] {1, 2}))
                .hasSameHashCodeAs(new ClientEvent.InputAudioBufferAppend("e", new byte[] {1, 2}))
                .isNotEqualTo(new ClientEvent.InputAudioBufferAppend("e", new byte[] {1, 3}));
    }

    @Test
    void eventsKnowTheirGaWireName() {
        assertThat(new ClientEvent.InputAudioBufferCommit(null).type()).isEqualTo("input_audio_buffer.commit");
        assertThat(new ServerEvent.ResponseOutputAudioDone("e", "r", "i", 0, 0).type()).isEqualTo("response.output_audio.done");
    }

    @Test
    void invalidArgumentsAreRejectedWithTheRule() {
        assertThatThrownBy(() -> TokenLimit.of(0)).hasMessage("tokens : 0 (expected: >= 1)");
        assertThatThrownBy(() -> new Voice("alloy", "voice_1")).hasMessageContaining("exactly one of name and id");
        assertThatThrownBy(() -> EventCodec.builder().maxFrameBytes(0)).hasMessage("maxFrameBytes : 0 (expected: > 0)");
        assertThatThrownBy(() -> EventCodec.of(Dialect.GA).decodeServerEvent(new byte[4], 3, 2))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void sessionBuilderKeepsAudioSettingsTogether() {
        SessionConfig s = SessionConfig.builder().voice("marin").speed(1.2).turnDetection(TurnDetection.semanticVad("high"))
                .inputAudioFormat(RealtimeAudioFormat.G711_ALAW).build();

        assertThat(s.audio().output()).isEqualTo(new AudioConfig.Output(null, Voice.named("marin"), 1.2));
        assertThat(s.audio().input().format()).isEqualTo(RealtimeAudioFormat.G711_ALAW);
        assertThat(s.turnDetection().eagerness()).isEqualTo("high");
        assertThat(s.toBuilder().build()).isEqualTo(s);
        assertThat(RealtimeAudioFormat.G711_ALAW.sampleRateHz()).isEqualTo(8_000);
        assertThat(RealtimeAudioFormat.PCM16.bytesPerSample()).isEqualTo(2);
    }
}
