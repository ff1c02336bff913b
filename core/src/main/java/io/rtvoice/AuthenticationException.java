package io.rtvoice;

/**
 * The credentials could not produce what a connection needs (for example, no Entra ID token could be
 * obtained). The message never holds a key or token.
 */
public final class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message that holds no secret. */
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
