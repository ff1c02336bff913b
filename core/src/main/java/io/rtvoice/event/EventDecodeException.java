package io.rtvoice.event;

/**
 * A frame could not be decoded into an event. The message names the problem and, where there is one,
 * the field; it never quotes the frame's content.
 */
public final class EventDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the frame. */
    public enum Reason {
        /** Not JSON, not a single JSON object, truncated, or empty. */
        MALFORMED_JSON,
        /** No {@code type} field, or it is not a string. */
        MISSING_TYPE,
        /** A field of a known event has the wrong JSON type or an invalid value, or a required field is missing. */
        INVALID_FIELD,
        /** A base64 audio field is not valid base64. */
        INVALID_BASE64,
        /** The frame is larger than the codec's limit. */
        FRAME_TOO_LARGE
    }

    private final Reason reason;
    private final String eventType;
    private final String field;

    /** Creates the exception; {@code eventType} and {@code field} may be {@code null}. */
    public EventDecodeException(Reason reason, String eventType, String field, String message, Throwable cause) {
        super(describe(reason, eventType, field, message), cause);
        this.reason = reason;
        this.eventType = eventType;
        this.field = field;
    }

    private static String describe(Reason reason, String eventType, String field, String message) {
        StringBuilder s = new StringBuilder(reason.name());
        if (eventType != null) {
            s.append(" in ").append(eventType);
        }
        if (field != null) {
            s.append(" at '").append(field).append('\'');
        }
        return s.append(": ").append(message).toString();
    }

    /** What was wrong. */
    public Reason reason() {
        return reason;
    }

    /** The event type read from the frame, or {@code null} if it could not be read. */
    public String eventType() {
        return eventType;
    }

    /** The path of the offending field (e.g. {@code response.output[0].status}), or {@code null}. */
    public String field() {
        return field;
    }
}
