package io.rtvoice;

/**
 * The two shapes of the Realtime protocol. The event model is one and named after {@link #GA};
 * the codec maps each dialect's wire names and shapes onto it.
 */
public enum Dialect {
    /** General availability ({@code gpt-realtime}; {@code /v1/realtime}, Azure {@code /openai/v1/realtime}). */
    GA,
    /**
     * Preview/beta ({@code gpt-4o-realtime-preview}, Azure {@code 2024-10-01-preview}…{@code 2025-04-01-preview},
     * OpenAI with {@code OpenAI-Beta: realtime=v1}).
     */
    PREVIEW
}
