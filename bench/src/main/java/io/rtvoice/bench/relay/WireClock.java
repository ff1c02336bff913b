package io.rtvoice.bench.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One upstream connection's frames as the transport saw them, stamped on arrival: each append is matched to the
 * page frames it completes (by sample count), and each answer's first audio delta, first audible sample and the
 * delta that filled the playout prebuffer are kept. Called on the connection's threads, which must not wait: a
 * frame is looked at only as far as needed (its type, then the length or, for an answer's first deltas, the audio).
 * Its frame readers ({@link #type}, {@link #base64Length}, {@link #decode}) serve the {@code sip} command too.
 */
public final class WireClock implements TimedTransport.Clock {

    /** The page's frame: 20 ms at 24 kHz. */
    static final int PAGE_FRAME_SAMPLES = 480;
    /** VoiceSession's default playout prebuffer (80 ms), which the relay's page sessions keep. */
    static final int PREBUFFER_SAMPLES = 80 * 24;

    private static final byte[] AUDIO_FIELD = "\"audio\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELTA_FIELD = "\"delta\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile SyntheticPage page;
    private volatile RelayMeasurements measurements;
    private long appendedSamples; // the send side's frames come one at a time
    final AtomicLong appends = new AtomicLong();
    final AtomicLong appendsNotOneFrame = new AtomicLong();
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private volatile Answer current;

    /** From now on, appends are matched to {@code page}'s frames and recorded in {@code measurements}. */
    void attach(SyntheticPage page, RelayMeasurements measurements) {
        this.measurements = measurements;
        this.page = page;
    }

    /** Answers seen so far (one per {@code response.created}). */
    int answersSeen() {
        return answers.size();
    }

    /** The answer that began after {@code index} answers had. */
    Answer answer(int index) {
        return index < answers.size() ? answers.get(index) : null;
    }

    @Override
    public void outbound(long nanos, byte[] frame) {
        String type = type(frame);
        if (!"input_audio_buffer.append".equals(type)) {
            return;
        }
        int samples = base64Length(frame, AUDIO_FIELD) / 2;
        appends.incrementAndGet();
        if (samples != PAGE_FRAME_SAMPLES) {
            appendsNotOneFrame.incrementAndGet();
        }
        long before = appendedSamples;
        appendedSamples = before + samples;
        SyntheticPage from = page;
        RelayMeasurements into = measurements;
        if (from == null || into == null) {
            return;
        }
        // A page frame is out when its last sample is: one value per page frame whatever the appends' size.
        for (long f = before / PAGE_FRAME_SAMPLES; f < appendedSamples / PAGE_FRAME_SAMPLES; f++) {
            long sent = from.sentNanos(f);
            if (sent != 0 && from.measuring()) {
                into.record(RelayStage.PAGE_TO_APPEND, nanos - sent);
            }
        }
    }

    @Override
    public void inbound(long nanos, byte[] frame) {
        String type = type(frame);
        if ("response.created".equals(type)) {
            Answer answer = new Answer();
            current = answer;
            answers.add(answer);
        } else if ("response.output_audio.delta".equals(type) || "response.audio.delta".equals(type)) {
            Answer answer = current;
            if (answer != null) {
                answer.delta(nanos, frame);
            }
        }
    }

    /** One answer's audio as it came in; written by the connection's inbound thread, read once the turn is done. */
    static final class Answer {
        volatile long firstDeltaNanos;
        volatile long audibleDeltaNanos; // the delta holding the first non-zero sample
        volatile long prebufferedNanos;  // the delta that brought the answer to PREBUFFER_SAMPLES
        private long samples;

        void delta(long nanos, byte[] frame) {
            if (firstDeltaNanos == 0) {
                firstDeltaNanos = nanos;
            }
            if (audibleDeltaNanos != 0 && prebufferedNanos != 0) {
                return;
            }
            if (audibleDeltaNanos == 0) {
                byte[] pcm = decode(frame, DELTA_FIELD);
                for (int i = 0; i + 1 < pcm.length; i += 2) {
                    if (pcm[i] != 0 || pcm[i + 1] != 0) {
                        audibleDeltaNanos = nanos;
                        break;
                    }
                }
                samples += pcm.length / 2;
            } else {
                samples += base64Length(frame, DELTA_FIELD) / 2;
            }
            if (prebufferedNanos == 0 && samples >= PREBUFFER_SAMPLES) {
                prebufferedNanos = nanos;
            }
        }
    }

    /** The event's type, from the frame's first bytes where our codec and the emulator put it; else by parsing. */
    public static String type(byte[] frame) {
        String head = new String(frame, 0, Math.min(frame.length, 200), StandardCharsets.ISO_8859_1);
        int at = head.indexOf("\"type\":\"");
        if (at >= 0) {
            int start = at + 8;
            int end = head.indexOf('"', start);
            if (end > start) {
                return head.substring(start, end);
            }
        }
        try {
            return JSON.readTree(frame).path("type").asText("");
        } catch (IOException notJson) {
            return "";
        }
    }

    /** The decoded length (bytes) of a base64 string field, from its characters alone. */
    public static int base64Length(byte[] frame, byte[] field) {
        int start = indexOf(frame, field);
        if (start < 0) {
            return 0;
        }
        start += field.length;
        int end = start;
        while (end < frame.length && frame[end] != '"') {
            end++;
        }
        int padding = 0;
        for (int i = end - 1; i >= start && frame[i] == '='; i--) {
            padding++;
        }
        return (end - start) / 4 * 3 - padding;
    }

    /** The decoded bytes of a base64 string field; empty when the frame has none. */
    public static byte[] decode(byte[] frame, byte[] field) {
        int start = indexOf(frame, field);
        if (start < 0) {
            return new byte[0];
        }
        start += field.length;
        int end = start;
        while (end < frame.length && frame[end] != '"') {
            end++;
        }
        java.nio.ByteBuffer pcm = Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(frame, start, end - start));
        byte[] bytes = new byte[pcm.remaining()];
        pcm.get(bytes);
        return bytes;
    }

    private static int indexOf(byte[] frame, byte[] field) {
        outer:
        for (int i = 0; i + field.length <= frame.length; i++) {
            for (int j = 0; j < field.length; j++) {
                if (frame[i + j] != field[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
