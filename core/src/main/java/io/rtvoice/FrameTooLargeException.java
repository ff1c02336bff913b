package io.rtvoice;

/**
 * An event, once encoded, is larger than the client's {@link RealtimeClient.Builder#maxFrameBytes
 * maxFrameBytes}: {@link RealtimeSession#send} refused it and nothing was queued. The session stays open;
 * sent anyway, such a frame would have ended it (the server closes 1009, or the connection breaks). Split
 * the content, or raise the limit if the server takes larger frames.
 */
public final class FrameTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String eventType;
    private final long frameBytes;
    private final int maxFrameBytes;

    /** A {@code frameBytes}-byte encoding of an {@code eventType} event, over the limit of {@code maxFrameBytes}. */
    public FrameTooLargeException(String eventType, long frameBytes, int maxFrameBytes) {
        super(eventType + " frame : " + frameBytes + " bytes (expected: <= " + maxFrameBytes + ", the client's maxFrameBytes); nothing was sent");
        this.eventType = eventType;
        this.frameBytes = frameBytes;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The type of the refused event, e.g. {@code conversation.item.create}. */
    public String eventType() {
        return eventType;
    }

    /** The size of the encoded event, in bytes. */
    public long frameBytes() {
        return frameBytes;
    }

    /** The client's limit, in bytes. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }
}
