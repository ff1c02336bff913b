package io.rtvoice.voice;

import java.time.Duration;

/**
 * One latency measurement of a {@link VoiceSession}, as the client sees it.
 *
 * @param kind what was measured
 * @param value how long it took (for {@link Kind#UNDERRUN}: how much silence was concealed)
 * @param responseId the response it belongs to, when there is one
 */
public record LatencySample(Kind kind, Duration value, String responseId) {

    /** The stages measured. */
    public enum Kind {
        /** The server's {@code speech_stopped} to the response's first sample leaving the speaker: voice to voice. */
        VOICE_TO_VOICE,
        /** {@code response.created} to the first audio delta. */
        RESPONSE_TO_FIRST_DELTA,
        /** The first audio delta's arrival to its first sample leaving the speaker (pre-buffer plus device). */
        DELTA_TO_PLAYED,
        /** {@code speech_started} during playback to silence: the flush, its fade and the device buffer. */
        BARGE_IN_TO_SILENCE,
        /** Silence concealed because audio came too late (per response that had any). */
        UNDERRUN
    }
}
