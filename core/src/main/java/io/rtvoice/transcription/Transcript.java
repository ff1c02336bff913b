package io.rtvoice.transcription;

import io.rtvoice.event.Transcription;
import java.util.List;

/**
 * The completed transcript of one item of audio
 * ({@code conversation.item.input_audio_transcription.completed}).
 *
 * @param itemId the item the committed audio became
 * @param text the transcript; empty when the service sent none
 * @param logprobs the log probability of each token, when asked for ({@link TranscriptionConfig#logprobs()}), else empty
 * @param usage what the transcription cost (tokens, or seconds of audio), or {@code null} when the service did not say
 */
public record Transcript(String itemId, String text, List<Transcription.LogProb> logprobs, Transcription.Usage usage) {

    /** Never null: {@code text} and {@code logprobs} default to empty (a {@code null} entry a server sent is left out). */
    public Transcript {
        text = text != null ? text : "";
        logprobs = logprobs != null ? logprobs.stream().filter(java.util.Objects::nonNull).toList() : List.of();
    }
}
