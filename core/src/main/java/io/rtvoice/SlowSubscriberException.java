package io.rtvoice;

/** A subscriber of {@link RealtimeSession#events()} fell too far behind under {@link SlowSubscriberPolicy#FAIL}. */
public final class SlowSubscriberException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int bufferSize;

    public SlowSubscriberException(int bufferSize) {
        super("a subscriber of events() fell " + bufferSize + " events behind and was cut off (SlowSubscriberPolicy.FAIL; "
                + "raise RealtimeClient.Builder.subscriberBuffer, consume faster, or choose DROP_OLDEST)");
        this.bufferSize = bufferSize;
    }

    /** The buffer it overflowed, in events. */
    public int bufferSize() {
        return bufferSize;
    }
}
