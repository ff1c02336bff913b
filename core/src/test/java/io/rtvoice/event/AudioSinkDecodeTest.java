package io.rtvoice.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EventCodec#decodeAudioDelta}: the voice path's decode of an audio delta into a sink, with no event. It
 * must give exactly what the full decode gives, for every frame it takes, and take nothing it cannot read.
 */
class AudioSinkDecodeTest {

    /** What one call of the sink got: a copy, as the array is lent. */
    private record Got(String responseId, String itemId, int outputIndex, int contentIndex, byte[] pcm) {
    }

    private final List<Got> got = new ArrayList<>();
    private final EventCodec.AudioSink sink = (responseId, itemId, outputIndex, contentIndex, pcm, offset, length) ->
            got.add(new Got(responseId, itemId, outputIndex, contentIndex, Arrays.copyOfRange(pcm, offset, offset + length)));

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void everyEncodedDeltaDecodesToWhatTheFullDecodeGives(Dialect dialect) throws Exception {
        EventCodec codec = EventCodec.of(dialect);
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 200; i++) {
            byte[] pcm = new byte[random.nextInt(0, 9_600)];
            random.nextBytes(pcm);
            byte[] frame = codec.encode(new ServerEvent.ResponseOutputAudioDelta(random.nextBoolean() ? "event_" + i : null,
                    "resp_" + (i / 10), "item_" + (i / 5), random.nextInt(0, 3), random.nextInt(0, 3), pcm));
            ServerEvent.ResponseOutputAudioDelta full = (ServerEvent.ResponseOutputAudioDelta) codec.decodeServerEvent(frame);
            got.clear();

            assertThat(codec.decodeAudioDelta(frame, 0, frame.length, sink)).as(new String(frame, StandardCharsets.UTF_8)).isTrue();
            assertThat(got).hasSize(1);
            Got g = got.get(0);
            assertThat(g.pcm()).isEqualTo(full.delta()).isEqualTo(pcm);
            assertThat(g.responseId()).isEqualTo(full.responseId());
            assertThat(g.itemId()).isEqualTo(full.itemId());
            assertThat(g.outputIndex()).isEqualTo(full.outputIndex());
            assertThat(g.contentIndex()).isEqualTo(full.contentIndex());
        }
    }

    @Test
    void idsThatRepeatAreTheSameStringsAndTheAudioArrayIsLentNotMade() {
        EventCodec codec = EventCodec.of(Dialect.GA);
        List<String> items = new ArrayList<>();
        List<byte[]> arrays = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] frame = frame("{\"type\":\"response.output_audio.delta\",\"event_id\":\"e" + i + "\",\"response_id\":\"resp_1\","
                    + "\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + b64(new byte[4_800]) + "\"}");
            assertThat(codec.decodeAudioDelta(frame, 0, frame.length, (r, item, o, c, pcm, off, len) -> {
                items.add(item);
                arrays.add(pcm);
            })).isTrue();
        }
        assertThat(items.get(1)).isSameAs(items.get(0));
        assertThat(items.get(2)).isSameAs(items.get(0));
        assertThat(arrays.get(1)).isSameAs(arrays.get(0)); // reused: the sink copies what it keeps
    }

    @Test
    void whitespaceAnyFieldOrderAndExtraFieldsAreRead() {
        EventCodec codec = EventCodec.of(Dialect.GA);
        byte[] pcm = {1, 2, 3, 4};
        byte[] frame = frame(" {\n \"delta\" : \"" + b64(pcm) + "\" , \"content_index\":1,\"output_index\" :2,"
                + "\"extra\":null,\"more\":\"x\",\"type\":\"response.output_audio.delta\",\"item_id\":\"i\",\"response_id\":\"r\" } ");
        assertThat(codec.decodeAudioDelta(frame, 0, frame.length, sink)).isTrue();
        assertThat(got).singleElement().satisfies(g -> {
            assertThat(g.pcm()).isEqualTo(pcm);
            assertThat(g.outputIndex()).isEqualTo(2);
            assertThat(g.contentIndex()).isEqualTo(1);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"response.output_audio_transcript.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"hi\"}",
        "{\"type\":\"response.output_audio.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\",\"x\":{\"y\":1}}",
        "{\"type\":\"response.output_audio.delta\",\"item_id\":\"it\\\"em\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\"}",
        "{\"type\":\"response.output_audio.delta\",\"output_index\":0,\"delta\":\"AAAA\"}",
        "{\"type\":\"response.output_audio.delta\",\"output_index\":-1,\"content_index\":0,\"delta\":\"AAAA\"}",
        "{\"type\":\"response.output_audio.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"A*AA\"}",
        "{\"type\":\"response.output_audio.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\"",
        "{\"type\":\"response.output_audio.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\"} x",
        "{\"type\":\"response.output_audio.delta\",\"output_index\":\"0\",\"content_index\":0,\"delta\":\"AAAA\"}",
        "{\"type\":\"response.output_audio.delta\",\"output_index\":0,\"content_index\":0,\"delta\":123}",
        "[]",
        "",
    })
    void whatItCannotReadIsLeftToTheFullDecode(String json) {
        byte[] frame = frame(json);
        assertThat(EventCodec.of(Dialect.GA).decodeAudioDelta(frame, 0, frame.length, sink)).isFalse();
        assertThat(got).isEmpty();
    }

    @Test
    void aFrameOverTheLimitIsLeftToTheFullDecodeWhichRefusesIt() {
        EventCodec codec = EventCodec.builder().maxFrameBytes(1_000).build();
        byte[] frame = frame("{\"type\":\"response.output_audio.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\""
                + b64(new byte[3_000]) + "\"}");
        assertThat(codec.decodeAudioDelta(frame, 0, frame.length, sink)).isFalse();
        assertThat(got).isEmpty();
    }

    @Test
    void thePreviewNameIsThePreviewDialects() {
        byte[] ga = frame("{\"type\":\"response.output_audio.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\"}");
        byte[] preview = frame("{\"type\":\"response.audio.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\"}");
        assertThat(EventCodec.of(Dialect.PREVIEW).decodeAudioDelta(ga, 0, ga.length, sink)).isFalse();
        assertThat(EventCodec.of(Dialect.PREVIEW).decodeAudioDelta(preview, 0, preview.length, sink)).isTrue();
        assertThat(EventCodec.of(Dialect.GA).decodeAudioDelta(preview, 0, preview.length, sink)).isFalse();
    }

    private static byte[] frame(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
