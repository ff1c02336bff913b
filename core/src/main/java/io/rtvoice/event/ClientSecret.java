package io.rtvoice.event;

/**
 * An ephemeral client secret as returned in preview transcription sessions. Its {@link #toString()} never
 * shows the value.
 *
 * @param value the secret ({@code ek_…})
 * @param expiresAt expiry, Unix time in seconds
 */
public record ClientSecret(String value, Long expiresAt) {

    @Override
    public String toString() {
        return "ClientSecret[value=<redacted>, expiresAt=" + expiresAt + "]";
    }
}
