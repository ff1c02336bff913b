package io.rtvoice.event;

import java.util.List;

/** Value types of input-audio transcription events. */
public final class Transcription {

    private Transcription() {
    }

    /**
     * Log probability of one transcribed token.
     *
     * @param token the token
     * @param logprob its log probability
     * @param bytes its UTF-8 bytes
     */
    public record LogProb(String token, Double logprob, List<Integer> bytes) {
    }

    /**
     * A language detected in the input.
     *
     * @param code ISO-639-1 code
     */
    public record Language(String code) {
    }

    /**
     * Usage of a transcription: by tokens ({@code type = tokens}) or by duration ({@code type = duration}).
     *
     * @param type {@code tokens} or {@code duration}
     * @param inputTokens input tokens
     * @param inputTokenDetails input tokens by kind
     * @param outputTokens output tokens
     * @param totalTokens total tokens
     * @param seconds billed audio duration in seconds
     */
    public record Usage(
            String type,
            Integer inputTokens,
            InputTokenDetails inputTokenDetails,
            Integer outputTokens,
            Integer totalTokens,
            Double seconds) {
    }

    /**
     * Transcription input tokens by kind.
     *
     * @param textTokens text tokens
     * @param audioTokens audio tokens
     */
    public record InputTokenDetails(Integer textTokens, Integer audioTokens) {
    }
}
