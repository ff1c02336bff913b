package io.rtvoice;

import io.rtvoice.event.ClientSecret;
import io.rtvoice.event.SessionConfig;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * A short-lived key minted by {@link ClientSecrets} for one session configuration: hand its
 * {@link #value()} to a browser or another untrusted client, which connects with it instead of the real
 * key. Its {@link #toString()} never shows the value.
 *
 * @param secret the key ({@code ek_…}) and its expiry, as the server answered them
 * @param session the session configuration the server accepted: what a connection made with this key starts with
 */
public record EphemeralKey(ClientSecret secret, SessionConfig session) {

    /**
     * Requires a secret with a value and an expiry.
     *
     * @throws NullPointerException if the secret, its value or its expiry is missing
     */
    public EphemeralKey {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(secret.value(), "secret.value");
        Objects.requireNonNull(secret.expiresAt(), "secret.expiresAt");
    }

    /** The key itself, {@code ek_…}: a secret until it expires; never log it. */
    public String value() {
        return secret.value();
    }

    /** When the key stops opening sessions (a session opened before then may go on). */
    public Instant expiresAt() {
        return Instant.ofEpochSecond(secret.expiresAt());
    }

    /**
     * Credentials that send this key as {@code Authorization: Bearer ek_…} on every service (an ephemeral key
     * is a bearer token on Azure too): for a {@link RealtimeClient} that connects with it.
     */
    public Credentials credentials() {
        String value = CredentialText.checked("ephemeral key", value());
        Instant expiry = expiresAt();
        return new Credentials() {
            @Override
            public Mono<Map<String, String>> headers(Endpoint endpoint) {
                return Mono.just(Map.of("Authorization", "Bearer " + value));
            }

            @Override
            public String toString() {
                return "EphemeralKey.credentials(<redacted>, expiresAt=" + expiry + ")";
            }
        };
    }

    @Override
    public String toString() {
        return "EphemeralKey[value=<redacted>, expiresAt=" + expiresAt() + ", session=" + (session == null ? null : session.id()) + "]";
    }
}
