package io.rtvoice;

/**
 * A client secret could not be minted: the server refused the request (its HTTP status and error code are
 * here), answered something that is not a client secret, or could not be reached. A refused key is an
 * {@link AuthenticationException} instead. The message never holds a key or token, not even one the server
 * echoed.
 */
public final class ClientSecretException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final String errorCode;

    /**
     * With a message that holds no secret.
     *
     * @param httpStatus the answer's HTTP status, or 0 when there was no answer
     * @param errorCode the server's {@code error.code}, or {@code null}
     */
    public ClientSecretException(String message, int httpStatus, String errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The answer's HTTP status (e.g. 400), or 0 when the server could not be reached. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The server's {@code error.code} (e.g. {@code invalid_value}), or {@code null} when it gave none. */
    public String errorCode() {
        return errorCode;
    }
}
