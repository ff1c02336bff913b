package io.rtvoice;

import io.rtvoice.transport.CloseStatus;

/**
 * The terminal signal of {@link RealtimeSession#events()} when the session ended other than by the
 * client's own close: the server closed it (e.g. 1001 {@code session_expired}) or the connection broke.
 */
public final class SessionEndedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient CloseStatus closeStatus;

    /** The session ended with {@code closeStatus}; {@code cause} is the transport failure, if any. */
    public SessionEndedException(CloseStatus closeStatus, Throwable cause) {
        super("Realtime session ended: " + closeStatus.code() + (closeStatus.reason().isEmpty() ? "" : " " + closeStatus.reason())
                + (cause != null ? " (" + cause.getMessage() + ")" : ""), cause);
        this.closeStatus = closeStatus;
    }

    /** The close code and reason (1006 when the connection ended without a close frame). */
    public CloseStatus closeStatus() {
        return closeStatus;
    }
}
