package io.rtvoice.bench.sip;

import io.rtvoice.audio.G711;
import io.rtvoice.bench.relay.TimedTransport;
import io.rtvoice.bench.relay.WireClock;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * One call's upstream connection as the transport saw it, stamped on arrival. Each append (μ-law, 8 kHz: a byte a
 * sample) is found in what the caller said, and the caller's packets it completes are recorded; each answer's first
 * audio delta, first audible delta and the delta that filled the playout prebuffer are kept.
 *
 * <p>Finding the append in the caller's audio: the gateway's capture reads its jitter buffer every 20 ms from the
 * moment the session starts, silence while nothing has come, so the append stream is the caller's stream shifted by
 * a number of samples that changes whenever the jitter buffer waits to refill. The caller's silence is a random
 * noise floor, so a stretch of its audio is unique: once found (searched among the last two seconds it sent), the
 * shift holds as long as the appends go on matching the caller's audio byte for byte, and is searched for again
 * when they do not. Called on the connection's threads; the search is rare (once a call, and after each refill).
 */
final class CallClock implements TimedTransport.Clock {

    /** VoiceSession's default playout prebuffer (80 ms), which the gateway keeps: 640 samples at 8 kHz. */
    static final int PREBUFFER_SAMPLES = 80 * 8;
    private static final byte[] AUDIO_FIELD = "\"audio\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELTA_FIELD = "\"delta\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final int SEARCH_SAMPLES = 2 * SyntheticCaller.RATE_HZ;
    /** Bytes of floor an append must hold, at its end, to be searched for: 10 ms of random signs. */
    private static final int SEARCH_TAIL = 80;

    private volatile SyntheticCaller caller;
    private volatile SipMeasurements measurements;
    // The send side's frames come one at a time: these are the sending thread's.
    private long appendedSamples;
    private long shift = Long.MIN_VALUE; // caller sample = append sample - shift; MIN_VALUE while not known
    final AtomicLong appends = new AtomicLong();
    final AtomicLong appendsNotOnePeriod = new AtomicLong();
    final AtomicLong appendsNotMatched = new AtomicLong();
    final AtomicInteger resyncs = new AtomicInteger();
    /** This call's RTP in -> append out (µs): calls may differ, and a call's delay may change when it refills. */
    private final ConcurrentHistogram upstream = new ConcurrentHistogram(60_000_000L, 3);
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private final AtomicInteger answersDone = new AtomicInteger();
    private volatile Answer current;

    /** From now on, appends are matched to {@code caller}'s packets and recorded in {@code measurements}. */
    void attach(SyntheticCaller caller, SipMeasurements measurements) {
        this.measurements = measurements;
        this.caller = caller;
    }

    /** A copy of this call's RTP in -> append out (µs). */
    Histogram upstream() {
        return upstream.copy();
    }

    /** Answers begun so far (one per {@code response.created}). */
    int answersSeen() {
        return answers.size();
    }

    /** Answers done so far ({@code response.done}). */
    int answersDone() {
        return answersDone.get();
    }

    /** The answer that began after {@code index} answers had. */
    Answer answer(int index) {
        return index < answers.size() ? answers.get(index) : null;
    }

    @Override
    public void outbound(long nanos, byte[] frame) {
        if (!"input_audio_buffer.append".equals(WireClock.type(frame))) {
            return;
        }
        byte[] audio = WireClock.decode(frame, AUDIO_FIELD);
        appends.incrementAndGet();
        if (audio.length != SyntheticCaller.PACKET_SAMPLES) {
            appendsNotOnePeriod.incrementAndGet();
        }
        long before = appendedSamples;
        appendedSamples = before + audio.length;
        SyntheticCaller from = caller;
        SipMeasurements into = measurements;
        if (from == null || into == null) {
            return;
        }
        if (!matches(from, audio, before)) {
            shift = find(from, audio, before);
            if (shift == Long.MIN_VALUE) {
                appendsNotMatched.incrementAndGet();
                return;
            }
            resyncs.incrementAndGet();
        }
        // A caller's packet is out when its last sample is: one value per packet.
        long first = before - shift;
        long end = appendedSamples - shift;
        for (long p = Math.max(0, Math.floorDiv(first, SyntheticCaller.PACKET_SAMPLES));
                (p + 1) * SyntheticCaller.PACKET_SAMPLES <= end; p++) {
            long last = (p + 1) * SyntheticCaller.PACKET_SAMPLES - 1;
            long sent = from.sentNanos(p);
            if (last >= first && sent != 0 && from.measuring()) {
                into.record(SipStage.RTP_TO_APPEND, nanos - sent);
                upstream.recordValue(Math.min(60_000_000L, Math.max(0, (nanos - sent) / 1_000)));
            }
        }
    }

    /** Whether the append's audio is the caller's at the known shift, sample for sample (silence inserted is not). */
    private boolean matches(SyntheticCaller from, byte[] audio, long at) {
        if (shift == Long.MIN_VALUE) {
            return false;
        }
        long sent = from.samplesSent();
        for (int i = 0; i < audio.length; i++) {
            long c = at + i - shift;
            if (c < 0 || c >= sent || !same(audio[i], from.said(c))) {
                return false;
            }
        }
        return true;
    }

    /** The shift at which the append's whole audio is the caller's, among the last two seconds it sent; else MIN_VALUE. */
    private static long find(SyntheticCaller from, byte[] audio, long at) {
        int n = audio.length;
        if (n < SEARCH_TAIL) {
            return Long.MIN_VALUE;
        }
        for (int i = n - SEARCH_TAIL; i < n; i++) {
            if (G711.decodeMuLaw(audio[i]) == 0) {
                return Long.MIN_VALUE; // silence from the jitter buffer: nothing to find yet
            }
        }
        long sent = from.samplesSent();
        for (long c = sent - n; c >= Math.max(0, sent - SEARCH_SAMPLES); c--) {
            int i = n - 1;
            while (i >= 0 && same(audio[i], from.said(c + i))) {
                i--;
            }
            if (i < 0) {
                return at - c;
            }
        }
        return Long.MIN_VALUE;
    }

    private static boolean same(byte a, byte b) {
        return a == b || G711.decodeMuLaw(a) == 0 && G711.decodeMuLaw(b) == 0;
    }

    @Override
    public void inbound(long nanos, byte[] frame) {
        String type = WireClock.type(frame);
        if ("response.created".equals(type)) {
            Answer answer = new Answer();
            current = answer;
            answers.add(answer);
        } else if ("response.output_audio.delta".equals(type) || "response.audio.delta".equals(type)) {
            Answer answer = current;
            if (answer != null) {
                answer.delta(nanos, frame);
            }
        } else if ("response.done".equals(type)) {
            answersDone.incrementAndGet();
        }
    }

    /** One answer's audio as it came in; written by the connection's inbound thread, read once the turn is done. */
    static final class Answer {
        volatile long audibleDeltaNanos; // the delta holding the first non-zero sample
        volatile long prebufferedNanos;  // the delta that brought the answer to PREBUFFER_SAMPLES
        private long samples;

        void delta(long nanos, byte[] frame) {
            if (audibleDeltaNanos != 0 && prebufferedNanos != 0) {
                return;
            }
            if (audibleDeltaNanos == 0) {
                byte[] ulaw = WireClock.decode(frame, DELTA_FIELD);
                for (byte b : ulaw) {
                    if (G711.decodeMuLaw(b) != 0) {
                        audibleDeltaNanos = nanos;
                        break;
                    }
                }
                samples += ulaw.length;
            } else {
                samples += WireClock.base64Length(frame, DELTA_FIELD);
            }
            if (prebufferedNanos == 0 && samples >= PREBUFFER_SAMPLES) {
                prebufferedNanos = nanos;
            }
        }
    }
}
