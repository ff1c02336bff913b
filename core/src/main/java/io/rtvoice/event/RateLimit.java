package io.rtvoice.event;

/**
 * One rate limit as reported in {@code rate_limits.updated}.
 *
 * @param name {@code requests} or {@code tokens}
 * @param limit the maximum
 * @param remaining what is left
 * @param resetSeconds seconds until the limit resets
 */
public record RateLimit(String name, Integer limit, Integer remaining, Double resetSeconds) {
}
