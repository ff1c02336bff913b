package io.rtvoice;

/** The send queue is full: the connection is not writing as fast as events are sent. Nothing was queued. */
public final class SendQueueFullException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The queue of {@code capacity} frames is full. */
    public SendQueueFullException(int capacity) {
        super("send queue full (" + capacity + " frames): the connection is not keeping up");
    }
}
