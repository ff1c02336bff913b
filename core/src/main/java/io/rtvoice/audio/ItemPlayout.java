package io.rtvoice.audio;

import java.util.Objects;

/**
 * How much of one conversation item's audio a {@link PlayoutBuffer} received and handed to its reader.
 * {@link #playedMillis()} is what barge-in sends as {@code conversation.item.truncate.audio_end_ms}: it is
 * rounded down and never exceeds the audio received for the item.
 *
 * @param itemId the item the audio belongs to
 * @param receivedSamples samples accepted for the item
 * @param playedSamples samples handed (or, for a flush fade, committed) to the reader; at most {@code receivedSamples}
 * @param sampleRate the buffer's rate in Hz, for the conversions to milliseconds
 */
public record ItemPlayout(String itemId, long receivedSamples, long playedSamples, int sampleRate) {

    /** Checks the invariants. */
    public ItemPlayout {
        Objects.requireNonNull(itemId, "itemId");
        if (playedSamples < 0 || playedSamples > receivedSamples) {
            throw new IllegalArgumentException("playedSamples : " + playedSamples + " (expected: 0.." + receivedSamples + ")");
        }
        if (sampleRate < 1) {
            throw new IllegalArgumentException("sampleRate : " + sampleRate + " (expected: >= 1)");
        }
    }

    /** Whole milliseconds played, rounded down: the {@code audio_end_ms} of a truncate. */
    public long playedMillis() {
        return playedSamples * 1000 / sampleRate;
    }

    /** Whole milliseconds received, rounded down. */
    public long receivedMillis() {
        return receivedSamples * 1000 / sampleRate;
    }

    /** Samples received but never played. */
    public long unplayedSamples() {
        return receivedSamples - playedSamples;
    }

    /**
     * Whether some received audio was not played. When false the item played to its end (so far), and
     * truncating it would only make the model believe it was cut off.
     */
    public boolean interrupted() {
        return playedSamples < receivedSamples;
    }
}
