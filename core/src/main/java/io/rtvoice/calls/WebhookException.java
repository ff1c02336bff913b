package io.rtvoice.calls;

import java.util.Objects;

/**
 * A webhook request was refused: its signature, its time, its id or its body is not what a genuine delivery has.
 * Answer such a request with HTTP 400 (or 401) and do nothing else. The message never holds the secret or a
 * signature.
 */
public final class WebhookException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request was refused. */
    public enum Reason {
        /** A {@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature} header is missing or empty. */
        MISSING_HEADER,
        /** No {@code v1} signature in {@code webhook-signature} is that of the secret over the id, time and body. */
        BAD_SIGNATURE,
        /** {@code webhook-timestamp} is not a number, or is further from now than the tolerance, past or future. */
        BAD_TIMESTAMP,
        /** This {@code webhook-id} was already accepted within the tolerance: a replay. */
        REPLAYED,
        /** Signed correctly, but the body is not a JSON event object with an id and a type. */
        MALFORMED
    }

    private final Reason reason;

    /** With a message that holds no secret. */
    public WebhookException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the request was refused. */
    public Reason reason() {
        return reason;
    }
}
