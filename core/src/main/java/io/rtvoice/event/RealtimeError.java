package io.rtvoice.event;

/**
 * An error reported by the service, in an {@code error} event or a failed transcription.
 * Most errors are recoverable: the session stays open.
 *
 * @param type {@code invalid_request_error}, {@code server_error}, {@code transcription_error}, …
 * @param code machine-readable code, e.g. {@code conversation_already_has_active_response}; may be {@code null}
 * @param message human-readable message
 * @param param the offending parameter path, e.g. {@code session.type}; may be {@code null}
 * @param eventId the {@code event_id} of the client event that caused it; may be {@code null}
 */
public record RealtimeError(String type, String code, String message, String param, String eventId) {
}
