package io.rtvoice;

/**
 * What happens to a subscriber of {@link RealtimeSession#events()} that falls behind by more than the
 * client's {@link RealtimeClient.Builder#subscriberBuffer subscriberBuffer} events. Each subscriber has
 * its own buffer: a slow one never holds back the others, and memory stays bounded.
 */
public enum SlowSubscriberPolicy {
    /**
     * The lagging subscriber is unsubscribed from the session: when it next asks, it receives the events
     * its buffer held, in order, and then {@link SlowSubscriberException} — nothing is lost silently. The
     * session and the other subscribers go on. The default.
     */
    FAIL,
    /**
     * The lagging subscriber loses its oldest buffered events, whatever their type, each counted in
     * {@link RealtimeSession#droppedEvents()}; it keeps receiving. For a consumer of live audio, where
     * late audio is worthless anyway.
     */
    DROP_OLDEST
}
