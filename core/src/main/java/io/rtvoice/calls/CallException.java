package io.rtvoice.calls;

/**
 * A call could not be accepted, rejected, referred or hung up: the server refused the request (its HTTP status and
 * error code are here; 404 for a call it does not know, or one already over), or could not be reached. Refused
 * credentials are an {@link io.rtvoice.AuthenticationException} instead. The message never holds a key or token,
 * not even one the server echoed.
 */
public final class CallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String callId;
    private final int httpStatus;
    private final String errorCode;

    /**
     * With a message that holds no secret.
     *
     * @param httpStatus the answer's HTTP status, or 0 when there was no answer
     * @param errorCode the server's {@code error.code}, or {@code null}
     */
    public CallException(String message, String callId, int httpStatus, String errorCode, Throwable cause) {
        super(message, cause);
        this.callId = callId;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The call the request was about. */
    public String callId() {
        return callId;
    }

    /** The answer's HTTP status (e.g. 404), or 0 when the server could not be reached. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The server's {@code error.code}, or {@code null} when it gave none. */
    public String errorCode() {
        return errorCode;
    }
}
