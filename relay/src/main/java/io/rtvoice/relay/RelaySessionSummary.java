package io.rtvoice.relay;

import java.time.Duration;

/**
 * One page session, as it ended: what the relay logs in one line (never a key, never what was said).
 *
 * @param id the session's id, as the page was told it
 * @param duration from the page's connection to the end
 * @param turns responses the model completed
 * @param voiceToVoiceP50 median of the end of the user's speech to the answer's first sample at the page; null without turns
 * @param voiceToVoiceP95 the 95th percentile of the same; null without turns
 * @param audioIn the page's microphone audio received
 * @param audioPlayed the answer audio the page reported played
 * @param rejectedMessages messages of the page refused (malformed, out of place), each answered with an error
 * @param endedBy why it ended: {@code stopped by the page}, {@code page closed}, {@code idle}, {@code upstream failed} …
 */
public record RelaySessionSummary(String id, Duration duration, int turns, Duration voiceToVoiceP50, Duration voiceToVoiceP95,
        Duration audioIn, Duration audioPlayed, long rejectedMessages, String endedBy) {

    /** The one log line. */
    @Override
    public String toString() {
        return "relay session " + id + ": " + duration.toMillis() + " ms, " + turns + " turns, voice-to-voice p50 "
                + millis(voiceToVoiceP50) + " p95 " + millis(voiceToVoiceP95) + ", audio in " + audioIn.toMillis()
                + " ms, played " + audioPlayed.toMillis() + " ms, " + rejectedMessages + " messages refused, ended: " + endedBy;
    }

    private static String millis(Duration d) {
        return d == null ? "-" : d.toMillis() + " ms";
    }
}
