package io.rtvoice.event;

/**
 * An ephemeral client secret ({@code ek_…}): what preview transcription sessions return, and what
 * {@link io.rtvoice.ClientSecrets} mints (inside an {@link io.rtvoice.EphemeralKey}). Its {@link #toString()}
 * never shows the value.
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
