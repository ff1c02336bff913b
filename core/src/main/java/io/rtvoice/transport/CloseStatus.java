package io.rtvoice.transport;

/**
 * How a connection ended.
 *
 * @param code WebSocket close code: 1000 normal, 1001 going away (e.g. {@code session_expired}), 1006 no close frame
 * @param reason the close reason, may be empty
 */
public record CloseStatus(int code, String reason) {

    /** The connection ended without a close frame. */
    public static final CloseStatus ABNORMAL = new CloseStatus(1006, "connection ended without a close frame");
}
