package io.rtvoice.event;

/**
 * Reasoning settings for reasoning-capable realtime models (GA).
 *
 * @param effort {@code minimal}, {@code low}, {@code medium}, {@code high} or {@code xhigh}
 */
public record Reasoning(String effort) {
}
