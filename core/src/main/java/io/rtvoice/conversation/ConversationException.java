package io.rtvoice.conversation;

import io.rtvoice.event.RealtimeError;

/** The service answered a request with an error event; {@link #error()} has its type, code and message. */
public final class ConversationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient RealtimeError error;

    /** From the server's error. */
    public ConversationException(RealtimeError error) {
        super(error.type() + (error.code() != null ? " " + error.code() : "") + ": " + error.message());
        this.error = error;
    }

    /** The server's error. */
    public RealtimeError error() {
        return error;
    }
}
