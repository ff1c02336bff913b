package io.rtvoice.event;

import java.util.List;
import java.util.Map;

/**
 * A response as reported in {@code response.created} and {@code response.done}, GA shape.
 *
 * @param id response id {@code resp_…}
 * @param object {@code realtime.response}
 * @param status {@code in_progress}, {@code completed}, {@code cancelled}, {@code failed} or {@code incomplete}
 * @param statusDetails why the response ended as it did
 * @param output the items the response produced
 * @param metadata the metadata given in {@code response.create}
 * @param audio output audio settings used
 * @param usage token usage (in {@code response.done})
 * @param conversationId the conversation written to, {@code null} for out-of-band responses
 * @param outputModalities modalities produced
 * @param maxOutputTokens output token limit applied
 * @param temperature sampling temperature (preview only)
 */
public record Response(
        String id,
        String object,
        String status,
        StatusDetails statusDetails,
        List<Item> output,
        Map<String, String> metadata,
        AudioConfig audio,
        Usage usage,
        String conversationId,
        List<String> outputModalities,
        TokenLimit maxOutputTokens,
        Double temperature) {

    /**
     * Why a response ended as it did.
     *
     * @param type {@code completed}, {@code cancelled}, {@code failed} or {@code incomplete}
     * @param reason {@code turn_detected}, {@code client_cancelled}, {@code max_output_tokens} or {@code content_filter}
     * @param error the error of a failed response
     */
    public record StatusDetails(String type, String reason, Failure error) {
    }

    /**
     * The error of a failed response.
     *
     * @param type error type
     * @param code error code
     */
    public record Failure(String type, String code) {
    }

    /**
     * Token usage of a response.
     *
     * @param totalTokens input plus output tokens
     * @param inputTokens input tokens
     * @param outputTokens output tokens
     * @param inputTokenDetails input tokens by kind
     * @param outputTokenDetails output tokens by kind
     */
    public record Usage(
            Integer totalTokens,
            Integer inputTokens,
            Integer outputTokens,
            InputTokenDetails inputTokenDetails,
            OutputTokenDetails outputTokenDetails) {
    }

    /**
     * Input tokens by kind.
     *
     * @param cachedTokens tokens served from the cache
     * @param textTokens text tokens
     * @param imageTokens image tokens (GA)
     * @param audioTokens audio tokens
     * @param cachedTokensDetails cached tokens by kind (GA)
     */
    public record InputTokenDetails(
            Integer cachedTokens, Integer textTokens, Integer imageTokens, Integer audioTokens, CachedTokenDetails cachedTokensDetails) {
    }

    /**
     * Cached input tokens by kind.
     *
     * @param textTokens text tokens
     * @param imageTokens image tokens
     * @param audioTokens audio tokens
     */
    public record CachedTokenDetails(Integer textTokens, Integer imageTokens, Integer audioTokens) {
    }

    /**
     * Output tokens by kind.
     *
     * @param textTokens text tokens
     * @param audioTokens audio tokens
     */
    public record OutputTokenDetails(Integer textTokens, Integer audioTokens) {
    }
}
