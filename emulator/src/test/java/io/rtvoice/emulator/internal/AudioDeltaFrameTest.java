package io.rtvoice.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.Dialect;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.ServerEvent;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A pre-encoded audio delta is, byte for byte, the frame the codec writes for the same event, in both dialects. */
class AudioDeltaFrameTest {

    @Test
    void everyRunOfALoopIsTheCodecsFrameByteForByte() {
        Random random = new Random(7);
        for (Dialect dialect : Dialect.values()) {
            EventCodec codec = EventCodec.of(dialect);
            AudioDeltaFrame.Template template = AudioDeltaFrame.Template.of(codec, "resp_conn1000004", "item_conn1000003");
            assertThat(template).as(dialect.name()).isNotNull();
            for (int length : new int[] {1, 2, 3, 959, 960, 961, 4_801}) {
                byte[] audio = new byte[length];
                random.nextBytes(audio);
                EncodedAudio loop = EncodedAudio.loop(audio);
                EncodedAudio once = EncodedAudio.of(audio);
                for (int from = 0; from < length; from += Math.max(1, length / 37)) {
                    for (int n : new int[] {0, 1, 2, 3, 4, 5, 160, 960, length - from, length}) {
                        if (n < 0 || n > length) {
                            continue;
                        }
                        String id = "event_conn1000042_" + from + "_1733420000000000_1733420000000123";
                        assertSame(codec, template, id, loop, audio, from, n, true);
                        if (from + n <= length) {
                            assertSame(codec, template, id, once, audio, from, n, false);
                        }
                    }
                }
            }
        }
    }

    @Test
    void whatItCannotWriteIsLeftToTheCodec() {
        AudioDeltaFrame.Template template = AudioDeltaFrame.Template.of(EventCodec.of(Dialect.GA), "resp_1", "item_1");
        EncodedAudio once = EncodedAudio.of(new byte[100]);
        assertThat(AudioDeltaFrame.of(template, "event_1", once, 50, 51, null)).as("past the end").isNull();
        assertThat(AudioDeltaFrame.of(template, "event_1", EncodedAudio.loop(new byte[100]), 50, 151, null)).as("past the loop twice over").isNull();
        assertThat(AudioDeltaFrame.of(template, "event \"1\"", once, 0, 10, null)).as("an id the codec would escape").isNull();
        assertThat(AudioDeltaFrame.of(null, "event_1", once, 0, 10, null)).isNull();
        assertThat(AudioDeltaFrame.of(template, "event_1", once, 0, 10, null)).isNotNull();
    }

    @Test
    void aStampTakesThePlaceOfTheAudiosFirstBytes() {
        EventCodec codec = EventCodec.of(Dialect.GA);
        AudioDeltaFrame.Template template = AudioDeltaFrame.Template.of(codec, "resp_1", "item_1");
        byte[] audio = new byte[4_800];
        new java.util.SplittableRandom(9).nextBytes(audio);
        byte[] stamp = AudioDeltaFrame.stamp(7, 1_733_420_000_000_000L, 1_733_420_000_000_123L);
        for (int from : new int[] {0, 1, 2, 960}) {
            byte[] pcm = java.util.Arrays.copyOfRange(audio, from, from + 960);
            System.arraycopy(stamp, 0, pcm, 0, stamp.length);
            byte[] expected = codec.encode(new ServerEvent.ResponseOutputAudioDelta("event_1", "resp_1", "item_1", 0, 0, pcm));

            AudioDeltaFrame frame = AudioDeltaFrame.of(template, "event_1", EncodedAudio.loop(audio), from, 960, stamp);

            assertThat(new String(frame.toBytes(), StandardCharsets.UTF_8)).as("from %d", from)
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
            assertThat(frame.length()).isEqualTo(expected.length);
        }
        assertThat(java.nio.ByteBuffer.wrap(stamp).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(16)).isEqualTo(1_733_420_000_000_123L);
        assertThat(AudioDeltaFrame.of(template, "event_1", EncodedAudio.of(audio), 0, 20, stamp)).as("shorter than its stamp").isNull();
    }

    private static void assertSame(EventCodec codec, AudioDeltaFrame.Template template, String id, EncodedAudio encoded, byte[] audio,
            int from, int n, boolean loop) {
        byte[] pcm = new byte[n];
        for (int i = 0; i < n; i++) {
            pcm[i] = audio[(from + i) % audio.length];
        }
        byte[] expected = codec.encode(new ServerEvent.ResponseOutputAudioDelta(id, "resp_conn1000004", "item_conn1000003", 0, 0, pcm));
        AudioDeltaFrame frame = AudioDeltaFrame.of(template, id, encoded, from, n, null);
        assertThat(frame).as("from %d, %d bytes of %d, loop %s", from, n, audio.length, loop).isNotNull();
        assertThat(frame.length()).isEqualTo(expected.length);
        assertThat(new String(frame.toBytes(), StandardCharsets.UTF_8)).as("from %d, %d bytes of %d, loop %s", from, n, audio.length, loop)
                .isEqualTo(new String(expected, StandardCharsets.UTF_8));
    }
}
