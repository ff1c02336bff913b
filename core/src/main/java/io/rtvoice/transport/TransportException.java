package io.rtvoice.transport;

/**
 * A connection could not be opened or broke. Carries the HTTP status of a refused handshake. Its
 * message never holds credentials.
 */
public final class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    /** A failure with the HTTP status of the refused handshake, or 0 when there was none. */
    public TransportException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The handshake's HTTP status (e.g. 401), or 0 when the failure was not an HTTP refusal. */
    public int httpStatus() {
        return httpStatus;
    }
}
