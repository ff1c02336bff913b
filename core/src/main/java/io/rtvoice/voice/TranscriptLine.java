package io.rtvoice.voice;

/**
 * A piece of transcript: the user's (when input transcription is on, one line per turn) or the model's
 * (delta by delta, {@code done} on the last).
 *
 * @param speaker who spoke
 * @param itemId the conversation item it belongs to
 * @param text a delta of the assistant's transcript; when {@code done}, the item's whole transcript
 * @param done whether this completes the item's transcript
 */
public record TranscriptLine(Speaker speaker, String itemId, String text, boolean done) {

    /** Who spoke. */
    public enum Speaker { USER, ASSISTANT }
}
