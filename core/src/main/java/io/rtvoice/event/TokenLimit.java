package io.rtvoice.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A maximum number of output tokens: a count (1..4096 on the service) or {@link #INFINITE} ({@code "inf"}).
 *
 * @param tokens the limit in tokens, or {@code null} for no limit
 */
public record TokenLimit(Integer tokens) {

    /** No limit ({@code "inf"} on the wire). */
    public static final TokenLimit INFINITE = new TokenLimit(null);

    /** A limit of {@code tokens} output tokens. */
    public static TokenLimit of(int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens : " + tokens + " (expected: >= 1)");
        }
        return new TokenLimit(tokens);
    }

    /** Whether this is the {@code "inf"} limit. */
    public boolean infinite() {
        return tokens == null;
    }

    @JsonValue
    Object json() {
        return tokens != null ? tokens : "inf";
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static TokenLimit fromJson(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return new TokenLimit(node.intValue());
        }
        if ("inf".equals(node.textValue())) {
            return INFINITE;
        }
        throw new IllegalArgumentException("max output tokens must be an integer or \"inf\", got " + node);
    }
}
