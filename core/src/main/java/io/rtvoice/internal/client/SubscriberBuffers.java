package io.rtvoice.internal.client;

import io.rtvoice.SlowSubscriberException;
import io.rtvoice.SlowSubscriberPolicy;
import io.rtvoice.event.ServerEvent;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.Exceptions;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Gives each subscriber of a session's shared event stream a bounded buffer of its own, and applies the
 * client's {@link SlowSubscriberPolicy} to one that falls further behind: a slow subscriber never holds
 * back the others, and memory stays bounded. One per session; thread-safe.
 */
final class SubscriberBuffers {

    /** Events kept before the first subscriber arrives; after that each subscriber has its own buffer. */
    private static final int STARTUP_BUFFER = 16_384;

    private final int events;
    private final SlowSubscriberPolicy policy;
    private final LongAdder dropped = new LongAdder();

    /** Buffers of {@code events} events each. */
    SubscriberBuffers(int events, SlowSubscriberPolicy policy) {
        this.events = events;
        this.policy = policy;
    }

    /**
     * A session's shared stream: one emitting thread, any number of subscribers, and the events that come
     * before the first subscriber kept for it (up to {@value #STARTUP_BUFFER}; then they are lost, see
     * {@link #lostBeforeSubscribers()}).
     */
    static Sinks.Many<ServerEvent> shared() {
        return Sinks.many().multicast().onBackpressureBuffer(STARTUP_BUFFER, false);
    }

    /** {@code shared} as one subscriber sees it: through a buffer of its own. */
    Flux<ServerEvent> each(Flux<ServerEvent> shared) {
        if (policy == SlowSubscriberPolicy.DROP_OLDEST) {
            return shared.onBackpressureBuffer(events, lost -> dropped.increment(), BufferOverflowStrategy.DROP_OLDEST);
        }
        return shared.onBackpressureBuffer(events, lost -> { }, BufferOverflowStrategy.ERROR)
                .onErrorMap(Exceptions::isOverflow, overflow -> new SlowSubscriberException(events));
    }

    /** Counts an event that was lost before any subscriber had it. */
    void lostBeforeSubscribers() {
        dropped.increment();
    }

    /** Events lost so far, summed over subscribers. */
    long dropped() {
        return dropped.sum();
    }
}
