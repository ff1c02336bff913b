package io.rtvoice.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rtvoice.Dialect;
import io.rtvoice.event.EventDecodeException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bad frames become a typed {@link EventDecodeException} that names the problem; nothing unchecked escapes. */
class DecodeErrorTest {

    private final EventCodec codec = EventCodec.of(Dialect.GA);

    private EventDecodeException serverError(String json) {
        return catchThrowableOfType(EventDecodeException.class, () -> codec.decodeServerEvent(json));
    }

    @Test
    void malformedJsonIsReportedAsMalformed() {
        assertThat(serverError("{\"type\":\"session.created\",").reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(serverError("not json at all").reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(serverError("").reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(serverError("[1,2]").getMessage()).contains("expected a JSON object");
        assertThat(serverError("{\"type\":\"error\"} {}").getMessage()).contains("content after the event object");
    }

    @Test
    void truncatedHotFrameIsMalformedNotAnInternalError() {
        String full = "{\"type\":\"response.output_audio.delta\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\","
                + "\"output_index\":0,\"content_index\":0,\"delta\":\"AAECAwQFBgc=\"}";
        for (int cut = 1; cut < full.length(); cut++) {
            EventDecodeException e = serverError(full.substring(0, cut));
            assertThat(e).as("cut at %d", cut).isNotNull();
            assertThat(e.reason()).as("cut at %d", cut).isIn(Reason.MALFORMED_JSON, Reason.INVALID_BASE64);
        }
    }

    @Test
    void missingOrNonStringTypeIsReported() {
        EventDecodeException missing = serverError("{\"event_id\":\"e\"}");
        assertThat(missing.reason()).isEqualTo(Reason.MISSING_TYPE);
        assertThat(missing.getMessage()).contains("'type' field is missing");
        assertThat(serverError("{\"type\":42}").reason()).isEqualTo(Reason.MISSING_TYPE);
        assertThat(serverError("{\"type\":\"\"}").reason()).isEqualTo(Reason.MISSING_TYPE);
    }

    @Test
    void wrongFieldTypeNamesTheFieldOnTheTreePath() {
        EventDecodeException e = serverError(
                "{\"type\":\"conversation.item.truncated\",\"event_id\":\"e\",\"item_id\":\"i\",\"content_index\":0,\"audio_end_ms\":\"soon\"}");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(e.eventType()).isEqualTo("conversation.item.truncated");
        assertThat(e.field()).isEqualTo("audio_end_ms");
    }

    @Test
    void wrongNestedFieldTypeNamesThePath() {
        EventDecodeException e = serverError(
                "{\"type\":\"response.done\",\"event_id\":\"e\",\"response\":{\"id\":\"r\",\"output\":[{\"type\":\"message\",\"content\":7}]}}");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(e.field()).isEqualTo("response.output[0].content");
    }

    @Test
    void missingRequiredIntegerIsReported() {
        EventDecodeException e = serverError("{\"type\":\"conversation.item.truncated\",\"event_id\":\"e\",\"item_id\":\"i\",\"content_index\":0}");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(e.field()).isEqualTo("audio_end_ms");
    }

    @Test
    void wrongFieldTypeNamesTheFieldOnTheStreamingPath() {
        EventDecodeException e = serverError("{\"type\":\"response.output_audio.delta\",\"event_id\":\"e\",\"response_id\":\"r\","
                + "\"item_id\":\"i\",\"output_index\":\"zero\",\"content_index\":0,\"delta\":\"AAAA\"}");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(e.field()).isEqualTo("output_index");
        assertThat(serverError("{\"type\":\"response.output_audio.delta\",\"output_index\":0,\"content_index\":0}").field())
                .isEqualTo("delta");
        assertThat(serverError("{\"type\":\"response.output_audio.delta\",\"output_index\":0,\"content_index\":0,\"delta\":[1]}").field())
                .isEqualTo("delta");
    }

    @Test
    void invalidBase64IsReportedOnBothPaths() {
        String fields = "\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":\"AB$%CD\"";
        EventDecodeException streaming = serverError("{\"type\":\"response.output_audio.delta\"," + fields + "}");
        EventDecodeException tree = serverError("{" + fields + ",\"type\":\"response.output_audio.delta\"}");

        assertThat(streaming.reason()).isEqualTo(Reason.INVALID_BASE64);
        assertThat(streaming.field()).isEqualTo("delta");
        assertThat(tree.reason()).isEqualTo(Reason.INVALID_BASE64);
        assertThat(tree.field()).isEqualTo("delta");
        EventDecodeException append = catchThrowableOfType(EventDecodeException.class,
                () -> codec.decodeClientEvent("{\"type\":\"input_audio_buffer.append\",\"audio\":\"!!!!\"}"));
        assertThat(append.reason()).isEqualTo(Reason.INVALID_BASE64);
        assertThat(append.field()).isEqualTo("audio");
    }

    @Test
    void twentyMebibyteFrameIsRefusedBeforeParsing() {
        byte[] frame = new byte[20 * 1024 * 1024];
        Arrays.fill(frame, (byte) 'A');
        byte[] head = "{\"type\":\"response.output_audio.delta\",\"delta\":\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, frame, 0, head.length);
        frame[frame.length - 2] = '"';
        frame[frame.length - 1] = '}';

        EventDecodeException e = catchThrowableOfType(EventDecodeException.class, () -> codec.decodeServerEvent(frame));
        assertThat(e.reason()).isEqualTo(Reason.FRAME_TOO_LARGE);
        assertThat(e.getMessage()).contains("20971520 bytes").contains("16777216");
    }

    @Test
    void frameLimitIsConfigurable() throws Exception {
        EventCodec small = EventCodec.builder().maxFrameBytes(64).build();
        String frame = "{\"type\":\"input_audio_buffer.cleared\",\"event_id\":\"event_with_a_long_identifier_000000000000\"}";
        assertThat(catchThrowableOfType(EventDecodeException.class, () -> small.decodeServerEvent(frame)).reason())
                .isEqualTo(Reason.FRAME_TOO_LARGE);
        assertThat(codec.decodeServerEvent(frame)).isInstanceOf(ServerEvent.InputAudioBufferCleared.class);
    }

    @Test
    void errorMessagesDoNotQuoteTheFrame() {
        EventDecodeException e = serverError("{\"type\":\"session.created\",\"secret\":\"sk-verysecret\" oops}");
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(e.getMessage()).doesNotContain("sk-verysecret");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void unknownEventTypeKeepsItsRawJsonAndReencodesVerbatim(Dialect dialect) throws Exception {
        EventCodec c = EventCodec.of(dialect);
        String json = "{\"type\":\"session.teleported\",\"event_id\":\"event_42\",\"where\":{\"planet\":\"Mars\"}}";

        ServerEvent event = c.decodeServerEvent(json);

        assertThat(event).isEqualTo(new ServerEvent.Unknown("event_42", "session.teleported", json));
        assertThat(event.type()).isEqualTo("session.teleported");
        assertThat(new String(c.encode(event), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(c.decodeClientEvent(json)).isEqualTo(new ClientEvent.Unknown("event_42", "session.teleported", json));
    }

    @Test
    void unknownFieldsOnKnownEventsAreIgnored() throws Exception {
        ServerEvent e = codec.decodeServerEvent("{\"type\":\"conversation.item.deleted\",\"event_id\":\"e\",\"item_id\":\"i\","
                + "\"brand_new_field\":{\"nested\":[1,2,3]},\"another\":null}");
        assertThat(e).isEqualTo(new ServerEvent.ConversationItemDeleted("e", "i"));
        ServerEvent d = codec.decodeServerEvent("{\"type\":\"response.output_audio.delta\",\"obfuscation\":\"x\",\"future\":[{}],"
                + "\"output_index\":1,\"content_index\":0,\"delta\":\"AAA=\"}");
        assertThat(((ServerEvent.ResponseOutputAudioDelta) d).delta()).containsExactly(0, 0);
    }

    @Test
    void nullBytesAndBinaryGarbageAreMalformed() {
        byte[] garbage = {0, (byte) 0xff, (byte) 0xfe, 0x7b, 0x22};
        assertThat(catchThrowableOfType(EventDecodeException.class, () -> codec.decodeServerEvent(garbage)).reason())
                .isEqualTo(Reason.MALFORMED_JSON);
    }
}
