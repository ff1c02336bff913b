package io.rtvoice.voice;

/**
 * The local voice activity detector's decision ({@link VoiceSession#speech()}).
 *
 * @param kind whether speech started or stopped
 * @param positionMillis where, in the audio captured since the session started (the start is that of the
 *                       first speech frame, the stop that of the first silent frame after the speech)
 */
public record SpeechEvent(Kind kind, long positionMillis) {

    /** Start or stop. */
    public enum Kind {
        /** Speech started: what played was interrupted. */
        STARTED,
        /** Speech stopped: the turn was committed (when the client commits). */
        STOPPED
    }
}
