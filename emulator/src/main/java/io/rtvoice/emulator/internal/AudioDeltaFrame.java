package io.rtvoice.emulator.internal;

import io.netty.buffer.ByteBuf;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.ServerEvent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One {@code response.output_audio.delta} (preview: {@code response.audio.delta}) written without an event
 * or a JSON generator: the frame around the audio is the codec's own, encoded once per response with a
 * marker for the event id ({@link Template}), and the audio is base64 made once ({@link EncodedAudio}). So
 * a delta costs one copy of its bytes into the connection's buffer, byte for byte what
 * {@link EventCodec#encode(ServerEvent)} would have written.
 */
final class AudioDeltaFrame implements Outbound.Frame {

    private final Template template;
    private final String eventId;
    private final EncodedAudio audio;
    private final int from;
    private final int bytes;
    /** Written in place of the audio's first bytes (a whole number of base64 groups), or null. */
    private final byte[] stamp;

    private AudioDeltaFrame(Template template, String eventId, EncodedAudio audio, int from, int bytes, byte[] stamp) {
        this.template = template;
        this.eventId = eventId;
        this.audio = audio;
        this.from = from;
        this.bytes = bytes;
        this.stamp = stamp;
    }

    /** The length of a {@link #stamp}: three longs, a whole number of base64 groups. */
    static final int STAMP_BYTES = 24;

    /** {@code seq}, {@code dueMicros} and {@code sentMicros} as the first bytes of a delta's audio, little-endian longs. */
    static byte[] stamp(long seq, long dueMicros, long sentMicros) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(STAMP_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return b.putLong(seq).putLong(dueMicros).putLong(sentMicros).array();
    }

    /**
     * The frame for {@code bytes} of {@code audio} from {@code from}, or {@code null} when it cannot be made
     * this way (a run the audio does not cover, an event id the codec would escape): send the event then.
     */
    static AudioDeltaFrame of(Template template, String eventId, EncodedAudio audio, int from, int bytes, byte[] stamp) {
        if (template == null || audio == null || !audio.covers(from, bytes) || !plain(eventId)
                || stamp != null && bytes < stamp.length) {
            return null;
        }
        return new AudioDeltaFrame(template, eventId, audio, from, bytes, stamp);
    }

    /** Whether {@code id} is written as is in a JSON string: letters, digits, {@code _ - . :}. */
    private static boolean plain(String id) {
        if (id == null || id.isEmpty()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == ':')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int length() {
        return template.head.length + eventId.length() + template.middle.length + EncodedAudio.base64Length(bytes)
                + template.tail.length;
    }

    @Override
    public void writeTo(ByteBuf out) {
        out.writeBytes(template.head);
        out.writeCharSequence(eventId, StandardCharsets.US_ASCII);
        out.writeBytes(template.middle);
        if (stamp == null) {
            audio.writeBase64(from, bytes, out);
        } else {
            out.writeBytes(java.util.Base64.getEncoder().encode(stamp));
            audio.writeBase64(from + stamp.length, bytes - stamp.length, out);
        }
        out.writeBytes(template.tail);
    }

    /**
     * A response's audio delta as its codec writes it, cut at the event id and at the audio:
     * {@code {"type":"…","event_id":"} + id + {@code ","response_id":…,"delta":"} + base64 + {@code "}}.
     */
    static final class Template {

        private static final String MARK = "rtvoiceEventIdMark";
        private static final byte[] EMPTY_DELTA_END = "\"\"}".getBytes(StandardCharsets.US_ASCII);

        final byte[] head;
        final byte[] middle;
        final byte[] tail;

        private Template(byte[] head, byte[] middle, byte[] tail) {
            this.head = head;
            this.middle = middle;
            this.tail = tail;
        }

        /** The template of the deltas of one response, or {@code null} if the codec's frame is not as expected. */
        static Template of(EventCodec codec, String responseId, String itemId) {
            byte[] frame = codec.encode(new ServerEvent.ResponseOutputAudioDelta(MARK, responseId, itemId, 0, 0, new byte[0]));
            byte[] mark = ("\"" + MARK + "\"").getBytes(StandardCharsets.US_ASCII);
            int at = indexOf(frame, mark);
            if (at < 0 || indexOf(Arrays.copyOfRange(frame, at + 1, frame.length), mark) >= 0
                    || frame.length < EMPTY_DELTA_END.length
                    || !Arrays.equals(frame, frame.length - EMPTY_DELTA_END.length, frame.length, EMPTY_DELTA_END, 0, EMPTY_DELTA_END.length)) {
                return null;
            }
            int idStart = at + 1;
            int idEnd = idStart + MARK.length();
            int audioAt = frame.length - 2; // between the delta's quotes
            return new Template(Arrays.copyOf(frame, idStart), Arrays.copyOfRange(frame, idEnd, audioAt),
                    Arrays.copyOfRange(frame, audioAt, frame.length));
        }

        private static int indexOf(byte[] in, byte[] what) {
            outer:
            for (int i = 0; i + what.length <= in.length; i++) {
                for (int j = 0; j < what.length; j++) {
                    if (in[i + j] != what[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
