package io.rtvoice.emulator.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The emulator's server VAD over PCM16 little-endian mono 24 kHz input, on the session's input-audio
 * timeline (ms of audio appended since the session started, never reset). Deterministic by definition:
 * <ul>
 *   <li>audio is judged in 10 ms frames; a frame is <em>voiced</em> when its RMS level exceeds
 *       {@code -70 + 60 × threshold} dBFS (threshold 0.5 → −40 dBFS);</li>
 *   <li>speech starts at the first of two consecutive voiced frames (a lone click does not start it);
 *       {@code audio_start_ms} = onset − prefix padding, never before the current buffer's start;</li>
 *   <li>speech stops once unvoiced frames have lasted the silence duration (whole frames);
 *       {@code audio_end_ms} = end of the last voiced frame + that silence, as the service's includes it.</li>
 * </ul>
 * Chunk boundaries do not matter: a sample split across two appends is carried. Not thread-safe: one
 * per connection, used from its event loop.
 */
public final class VoiceActivityDetector {

    private static final int SAMPLES_PER_MS = 24;
    private static final int FRAME_SAMPLES = 10 * SAMPLES_PER_MS;

    private final double voicedDbfs;
    private final int prefixPaddingMs;
    private final int silenceFrames;

    private long timelineSamples;
    private int carry = -1;
    private double frameEnergy;
    private int frameFill;

    private boolean speaking;
    private int voicedRun;
    private long candidateOnset;
    private long lastVoicedEnd;
    private int silentRun;
    private long floorMs;

    /** A detector; threshold 0..1, prefix padding and silence duration in ms. */
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
        this.silenceFrames = Math.max(1, (silenceDurationMs + 9) / 10);
    }

    /** A change of speech state, at a position of the input timeline in ms. */
    public record Transition(Kind kind, long audioMs) {
        /** Speech started or stopped. */
        public enum Kind { SPEECH_STARTED, SPEECH_STOPPED }
    }

    /** Feeds appended bytes; returns the transitions they caused, in order (usually none). */
    public List<Transition> append(byte[] pcm, int offset, int length) {
        List<Transition> transitions = null;
        for (int i = offset; i < offset + length; i++) {
            if (carry < 0) {
                carry = pcm[i] & 0xff;
                continue;
            }
            int sample = (short) (carry | (pcm[i] << 8));
            carry = -1;
            frameEnergy += (double) sample * sample;
            timelineSamples++;
            if (++frameFill == FRAME_SAMPLES) {
                Transition t = frame(frameEnergy / FRAME_SAMPLES);
                frameEnergy = 0;
                frameFill = 0;
                if (t != null) {
                    if (transitions == null) {
                        transitions = new ArrayList<>(2);
                    }
                    transitions.add(t);
                }
            }
        }
        return transitions == null ? List.of() : transitions;
    }

    private Transition frame(double meanSquare) {
        double dbfs = meanSquare <= 0 ? Double.NEGATIVE_INFINITY : 10 * Math.log10(meanSquare / (32768.0 * 32768.0));
        boolean voiced = dbfs > voicedDbfs;
        long frameEnd = timelineSamples;
        long frameStart = frameEnd - FRAME_SAMPLES;
        if (!speaking) {
            if (!voiced) {
                voicedRun = 0;
                return null;
            }
            if (++voicedRun == 1) {
                candidateOnset = frameStart;
                return null;
            }
            speaking = true;
            silentRun = 0;
            lastVoicedEnd = frameEnd;
            long startMs = Math.max(floorMs, Math.max(0, candidateOnset / SAMPLES_PER_MS - prefixPaddingMs));
            return new Transition(Transition.Kind.SPEECH_STARTED, startMs);
        }
        if (voiced) {
            silentRun = 0;
            lastVoicedEnd = frameEnd;
            return null;
        }
        if (++silentRun < silenceFrames) {
            return null;
        }
        speaking = false;
        voicedRun = 0;
        return new Transition(Transition.Kind.SPEECH_STOPPED, frameEnd / SAMPLES_PER_MS);
    }

    /** Milliseconds of audio fed so far. */
    public long timelineMs() {
        return timelineSamples / SAMPLES_PER_MS;
    }

    /** Whether speech is in progress. */
    public boolean speaking() {
        return speaking;
    }

    /** The input buffer was committed or cleared at {@code timelineMs}: later starts are not before it. */
    public void bufferStartedAt(long timelineMs) {
        this.floorMs = timelineMs;
    }

    /** Forgets the speech state (after a manual commit or clear); the timeline goes on. */
    public void reset() {
        speaking = false;
        voicedRun = 0;
        silentRun = 0;
    }
}
