package io.rtvoice.telephony.internal;

import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Sinks;

/**
 * Emission into a sink from many threads without a lock: a sink takes one signal at a time (else FAIL_NON_SERIALIZED
 * drops it), and {@link Flux#create}'s sink serialises its callers by a queue — a thread that finds another emitting
 * leaves its signal for that one to deliver, and never waits (a lock would hold an event loop while the app's
 * subscriber runs).
 */
public final class Serial {

    private Serial() {
    }

    /** A sink whose signals reach {@code sink} one at a time, in the order they were emitted, whatever the threads. */
    public static <T> FluxSink<T> into(Sinks.Many<T> sink) {
        AtomicReference<FluxSink<T>> emitter = new AtomicReference<>();
        Flux.<T>create(emitter::set).subscribe(sink::tryEmitNext, sink::tryEmitError, sink::tryEmitComplete);
        return emitter.get();
    }
}
