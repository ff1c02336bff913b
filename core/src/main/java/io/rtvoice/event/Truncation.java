package io.rtvoice.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the service truncates the conversation when it outgrows the context (GA only): {@code auto},
 * {@code disabled}, or a retention ratio.
 *
 * @param mode {@code auto} or {@code disabled}; {@code null} for a retention ratio
 * @param retentionRatio fraction of the context to keep after truncation (0..1)
 * @param postInstructionsTokenLimit {@code token_limits.post_instructions}, in tokens, or {@code null}
 */
public record Truncation(String mode, Double retentionRatio, Integer postInstructionsTokenLimit) {

    /** The service truncates as it sees fit. */
    public static final Truncation AUTO = new Truncation("auto", null, null);
    /** The service never truncates (the response fails when the context is full). */
    public static final Truncation DISABLED = new Truncation("disabled", null, null);

    /** Keep {@code ratio} of the context when truncating. */
    public static Truncation retentionRatio(double ratio, Integer postInstructionsTokenLimit) {
        return new Truncation(null, ratio, postInstructionsTokenLimit);
    }

    @JsonValue
    Object json() {
        if (mode != null) {
            return mode;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", "retention_ratio");
        map.put("retention_ratio", retentionRatio);
        if (postInstructionsTokenLimit != null) {
            map.put("token_limits", Map.of("post_instructions", postInstructionsTokenLimit));
        }
        return map;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Truncation fromJson(JsonNode node) {
        if (node.isTextual()) {
            return new Truncation(node.textValue(), null, null);
        }
        if (node.isObject() && "retention_ratio".equals(node.path("type").textValue())) {
            JsonNode limit = node.path("token_limits").path("post_instructions");
            return new Truncation(null, node.path("retention_ratio").isNumber() ? node.get("retention_ratio").doubleValue() : null,
                    limit.isNumber() ? limit.intValue() : null);
        }
        throw new IllegalArgumentException("truncation must be \"auto\", \"disabled\" or a retention_ratio object, got " + node);
    }
}
