package io.rtvoice.emulator.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The emulator's server VAD over PCM16 little-endian mono 24 kHz input audio, on the session's
 * input-audio timeline: milliseconds of audio appended since the session started, across commits and
 * clears, never reset. It is the emulator's own definition, deterministic, not a model of the service's:
 * <ul>
 *   <li>Audio is judged in 10 ms frames (240 samples) aligned to the start of the timeline. A frame is
 *       <em>voiced</em> when its RMS level, in dBFS with full scale 32768, exceeds
 *       {@code -70 + 60 × threshold} dBFS: threshold 0 → −70 dBFS, 0.5 (the default) → −40 dBFS,
 *       1 → −10 dBFS. Digital silence is never voiced.</li>
 *   <li>Speech <em>starts</em> at the first of two consecutive voiced frames; a single voiced frame (a
 *       click) does not start it. {@link Transition.Kind#SPEECH_STARTED} is reported, when the second
 *       frame completes, at {@code max(onset − prefixPaddingMs, bufferStart, 0)}: like the service's
 *       {@code audio_start_ms} it includes the prefix padding, but never points before the audio still in
 *       the input buffer (see {@link #bufferStartedAt}).</li>
 *   <li>While speech is ongoing, voiced frames extend it. It <em>stops</em> once unvoiced frames have
 *       lasted the silence duration, rounded up to whole frames, after the last voiced frame.
 *       {@link Transition.Kind#SPEECH_STOPPED} is reported at the end of the last voiced frame plus that
 *       silence: like the service's {@code audio_end_ms} it includes the silence duration. (With a
 *       silence duration of 0, speech stops at the first unvoiced frame, reported at the end of the last
 *       voiced one.)</li>
 * </ul>
 * Chunk boundaries do not matter: a sample split across two appends and a partial frame are carried over,
 * so the same audio yields the same transitions however it is cut.
 *
 * <p>Not thread-safe: one instance per connection, used from that connection's event loop.
 */
public final class VoiceActivityDetector {

    private static final int SAMPLES_PER_MS = 24;
    private static final int FRAME_MS = 10;
    private static final int FRAME_SAMPLES = FRAME_MS * SAMPLES_PER_MS;
    private static final double FULL_SCALE_SQUARED = 32768.0 * 32768.0;

    private final double voicedDbfs;
    private final int prefixPaddingMs;
    /** The silence duration in whole frames; 0 stops at the first unvoiced frame. */
    private final int silenceFrames;

    // The timeline and the frame being filled.
    private long timelineSamples;
    /** The low byte of a sample split across appends, or -1. */
    private int carry = -1;
    private long frameSumOfSquares;
    private int frameFill;

    // Speech state, in ms of the timeline.
    private boolean speaking;
    private boolean candidate;
    private long candidateOnsetMs;
    private long lastVoicedEndMs;
    private int silentFrames;
    private long floorMs;

    /**
     * A detector with the {@code turn_detection} settings.
     *
     * @param threshold         0..1; a frame is voiced above {@code -70 + 60 × threshold} dBFS
     * @param prefixPaddingMs   audio before the onset included in the reported start, {@code >= 0}
     * @param silenceDurationMs silence after speech that stops it, {@code >= 0}, rounded up to 10 ms
     * @throws IllegalArgumentException naming the argument, its value and the rule
     */
    public VoiceActivityDetector(double threshold, int prefixPaddingMs, int silenceDurationMs) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold : " + threshold + " (expected: 0..1)");
        }
        if (prefixPaddingMs < 0) {
            throw new IllegalArgumentException("prefixPaddingMs : " + prefixPaddingMs + " (expected: >= 0)");
        }
        if (silenceDurationMs < 0) {
            throw new IllegalArgumentException("silenceDurationMs : " + silenceDurationMs + " (expected: >= 0)");
        }
        this.voicedDbfs = -70 + 60 * threshold;
        this.prefixPaddingMs = prefixPaddingMs;
        this.silenceFrames = (int) ((silenceDurationMs + (FRAME_MS - 1L)) / FRAME_MS);
    }

    /**
     * A change of speech state at {@code audioMs} of the input timeline: the start including prefix padding,
     * or the end including the silence duration.
     */
    public record Transition(Kind kind, long audioMs) {

        /** Which change. */
        public enum Kind {
            /** Speech started; {@code audioMs} includes the prefix padding. */
            SPEECH_STARTED,
            /** Speech stopped; {@code audioMs} includes the silence duration. */
            SPEECH_STOPPED
        }

        /** Checks the kind is present. */
        public Transition {
            Objects.requireNonNull(kind, "kind");
        }
    }

    /**
     * Feeds appended PCM16 LE bytes (any count, a sample may be split across appends).
     *
     * @return the transitions they caused, in order: usually an empty immutable list
     * @throws IndexOutOfBoundsException if the range is outside {@code pcm}; nothing is fed then
     */
    public List<Transition> append(byte[] pcm, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, pcm.length);
        List<Transition> transitions = List.of();
        int i = offset;
        int end = offset + length;
        if (carry >= 0 && i < end) {
            transitions = sample((short) (carry | (pcm[i++] << 8)), transitions);
            carry = -1;
        }
        for (; i + 1 < end; i += 2) {
            transitions = sample((short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8)), transitions);
        }
        if (i < end) {
            carry = pcm[i] & 0xff;
        }
        return transitions;
    }

    private List<Transition> sample(int sample, List<Transition> transitions) {
        frameSumOfSquares += (long) sample * sample;
        timelineSamples++;
        if (++frameFill < FRAME_SAMPLES) {
            return transitions;
        }
        double meanSquare = (double) frameSumOfSquares / FRAME_SAMPLES;
        frameSumOfSquares = 0;
        frameFill = 0;
        Transition t = frame(meanSquare > 0 && 10 * Math.log10(meanSquare / FULL_SCALE_SQUARED) > voicedDbfs);
        if (t == null) {
            return transitions;
        }
        List<Transition> out = transitions.isEmpty() ? new ArrayList<>(2) : transitions;
        out.add(t);
        return out;
    }

    /** Advances the speech state by the frame that just ended; the transition it causes, or null. */
    private Transition frame(boolean voiced) {
        long frameEndMs = timelineSamples / SAMPLES_PER_MS;
        if (!speaking) {
            if (!voiced) {
                candidate = false;
                return null;
            }
            if (!candidate) {
                candidate = true;
                candidateOnsetMs = frameEndMs - FRAME_MS;
                return null;
            }
            candidate = false;
            speaking = true;
            silentFrames = 0;
            lastVoicedEndMs = frameEndMs;
            long startMs = Math.max(Math.max(0, floorMs), candidateOnsetMs - prefixPaddingMs);
            return new Transition(Transition.Kind.SPEECH_STARTED, startMs);
        }
        if (voiced) {
            silentFrames = 0;
            lastVoicedEndMs = frameEndMs;
            return null;
        }
        if (++silentFrames < Math.max(1, silenceFrames)) {
            return null;
        }
        speaking = false;
        return new Transition(Transition.Kind.SPEECH_STOPPED, lastVoicedEndMs + (long) silenceFrames * FRAME_MS);
    }

    /** Milliseconds of audio fed so far: whole samples / 24, across commits, clears and resets. */
    public long timelineMs() {
        return timelineSamples / SAMPLES_PER_MS;
    }

    /** Whether speech is in progress (started and not yet stopped). */
    public boolean speaking() {
        return speaking;
    }

    /**
     * The input buffer was committed or cleared, the new one beginning at {@code timelineMs}: later
     * speech starts are reported no earlier than that.
     */
    public void bufferStartedAt(long timelineMs) {
        this.floorMs = timelineMs;
    }

    /**
     * Forgets the speech state (ongoing speech, a pending first voiced frame), e.g. after a manual commit;
     * the timeline, the partial frame and the buffer start are kept.
     */
    public void reset() {
        speaking = false;
        candidate = false;
        silentFrames = 0;
    }
}
