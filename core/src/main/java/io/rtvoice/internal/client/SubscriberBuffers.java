package io.rtvoice.internal.client;

import io.rtvoice.SlowSubscriberException;
import io.rtvoice.SlowSubscriberPolicy;
import io.rtvoice.event.ServerEvent;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * Gives each subscriber of a session's shared event stream a bounded buffer of its own, and applies the
 * client's {@link SlowSubscriberPolicy} to one that falls further behind: a slow subscriber never holds
 * back the others, and memory stays bounded. A buffer is bounded by events and by bytes (by default
 * {@value #DEFAULT_MAX_BYTES} bytes, 64 MiB, per subscriber): 2,048 events of 1 MiB audio deltas would
 * otherwise be 2 GiB for one stalled subscriber. An event's size is estimated: the audio payload of an
 * audio delta plus {@value #EVENT_OVERHEAD_BYTES} bytes, that constant for any other event. One per
 * session; thread-safe.
 */
final class SubscriberBuffers {

    /** Events kept before the first subscriber arrives; after that each subscriber has its own buffer. */
    private static final int STARTUP_BUFFER = 16_384;
    /** Bytes a subscriber may fall behind before the policy applies, by default: 64 MiB. */
    static final long DEFAULT_MAX_BYTES = 64L << 20;
    /** The estimated size of an event beyond its audio payload, in bytes. */
    static final int EVENT_OVERHEAD_BYTES = 256;

    private final int events;
    private final long maxBytes;
    private final SlowSubscriberPolicy policy;
    private final LongAdder dropped = new LongAdder();

    /** Buffers of {@code events} events and {@link #DEFAULT_MAX_BYTES} bytes each. */
    SubscriberBuffers(int events, SlowSubscriberPolicy policy) {
        this(events, DEFAULT_MAX_BYTES, policy);
    }

    /** Buffers of {@code events} events and {@code maxBytes} bytes (estimated, see {@link #sizeOf}) each. */
    SubscriberBuffers(int events, long maxBytes, SlowSubscriberPolicy policy) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes : " + maxBytes + " (expected: >= 1)");
        }
        this.events = events;
        this.maxBytes = maxBytes;
        this.policy = policy;
    }

    /**
     * A session's shared stream: one emitting thread, any number of subscribers, and the events that come
     * before the first subscriber kept for it (up to {@value #STARTUP_BUFFER} events and
     * {@link #DEFAULT_MAX_BYTES} bytes; then they are lost, {@code tryEmitNext} answering
     * {@code FAIL_OVERFLOW}, see {@link #lostBeforeSubscribers()}).
     */
    static Sinks.Many<ServerEvent> shared() {
        return new StartupBounded(Sinks.many().multicast().onBackpressureBuffer(STARTUP_BUFFER, false), DEFAULT_MAX_BYTES);
    }

    /**
     * A shared stream whose start-up buffer is bounded in bytes too: while nobody subscribes, what is kept
     * is counted, and an event past {@code maxBytes} is refused. Once someone subscribes, the buffer drains
     * at once into that subscriber's own {@link Buffer} (it asks for everything), so the count starts again.
     * One emitting thread, as for the sink it wraps.
     */
    private static final class StartupBounded implements Sinks.Many<ServerEvent> {
        private final Sinks.Many<ServerEvent> sink;
        private final long maxBytes;
        private long keptBytes; // the emitting thread's only
        /**
         * An error that came while nobody subscribed. Reactor's multicast buffer, failed with no subscriber,
         * drops what it kept: so it is completed instead, and the error follows what it kept.
         */
        private volatile Throwable deferredError;

        StartupBounded(Sinks.Many<ServerEvent> sink, long maxBytes) {
            this.sink = sink;
            this.maxBytes = maxBytes;
        }

        @Override
        public Sinks.EmitResult tryEmitNext(ServerEvent event) {
            if (sink.currentSubscriberCount() > 0) {
                keptBytes = 0;
            } else {
                long size = sizeOf(event);
                if (keptBytes + size > maxBytes) {
                    return Sinks.EmitResult.FAIL_OVERFLOW;
                }
                keptBytes += size;
            }
            return sink.tryEmitNext(event);
        }

        @Override
        public Sinks.EmitResult tryEmitComplete() {
            return sink.tryEmitComplete();
        }

        @Override
        public Sinks.EmitResult tryEmitError(Throwable error) {
            if (sink.currentSubscriberCount() == 0) {
                deferredError = error; // before the completion, which a subscriber arriving now may already see
                return sink.tryEmitComplete();
            }
            return sink.tryEmitError(error);
        }

        @Override
        public void emitNext(ServerEvent event, Sinks.EmitFailureHandler failureHandler) {
            while (true) {
                Sinks.EmitResult result = tryEmitNext(event);
                if (result.isSuccess() || !failureHandler.onEmitFailure(reactor.core.publisher.SignalType.ON_NEXT, result)) {
                    return;
                }
            }
        }

        @Override
        public void emitComplete(Sinks.EmitFailureHandler failureHandler) {
            sink.emitComplete(failureHandler);
        }

        @Override
        public void emitError(Throwable error, Sinks.EmitFailureHandler failureHandler) {
            if (sink.currentSubscriberCount() == 0) {
                deferredError = error;
                sink.emitComplete(failureHandler);
            } else {
                sink.emitError(error, failureHandler);
            }
        }

        @Override
        public int currentSubscriberCount() {
            return sink.currentSubscriberCount();
        }

        @Override
        public Flux<ServerEvent> asFlux() {
            return sink.asFlux().concatWith(Mono.defer(() -> {
                Throwable error = deferredError;
                return error == null ? Mono.empty() : Mono.error(error);
            }));
        }

        @Override
        @SuppressWarnings("rawtypes") // as Scannable declares it
        public Object scanUnsafe(Attr key) {
            return sink.scanUnsafe(key);
        }
    }

    /** The estimated memory {@code event} holds, in bytes: its audio payload, if any, plus a constant. */
    static long sizeOf(ServerEvent event) {
        if (event instanceof ServerEvent.ResponseOutputAudioDelta delta && delta.delta() != null) {
            return EVENT_OVERHEAD_BYTES + (long) delta.delta().length;
        }
        return EVENT_OVERHEAD_BYTES;
    }

    /** {@code shared} as one subscriber sees it: through a buffer of its own. */
    Flux<ServerEvent> each(Flux<ServerEvent> shared) {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super ServerEvent> actual) {
                shared.subscribe(new Buffer(actual));
            }
        };
    }

    /** Counts an event that was lost before any subscriber had it. */
    void lostBeforeSubscribers() {
        dropped.increment();
    }

    /** Events lost so far, summed over subscribers. */
    long dropped() {
        return dropped.sum();
    }

    /**
     * One subscriber's buffer: takes everything from the shared stream, hands it on as the subscriber asks.
     * The shared stream's one thread calls {@code onNext}; any thread may request or cancel; delivery is
     * serialised by the usual work-in-progress counter.
     */
    private final class Buffer implements CoreSubscriber<ServerEvent>, Subscription {
        private final CoreSubscriber<? super ServerEvent> actual;
        private final ArrayDeque<ServerEvent> queue = new ArrayDeque<>(); // guarded by itself
        private final AtomicLong requested = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private long queuedBytes; // guarded by queue
        private Subscription upstream;
        private Throwable error;
        private volatile boolean done;
        private volatile boolean cancelled;

        Buffer(CoreSubscriber<? super ServerEvent> actual) {
            this.actual = actual;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(ServerEvent event) {
            if (done) {
                return;
            }
            long size = sizeOf(event);
            boolean overflow = false;
            int held;
            synchronized (queue) {
                // The newest event is always kept under DROP_OLDEST, even one larger than the byte bound alone.
                while (!queue.isEmpty() && (queue.size() >= events || queuedBytes + size > maxBytes)) {
                    if (policy != SlowSubscriberPolicy.DROP_OLDEST) {
                        overflow = true;
                        break;
                    }
                    queuedBytes -= sizeOf(queue.poll());
                    dropped.increment();
                }
                if (!overflow) {
                    queue.add(event);
                    queuedBytes += size;
                }
                held = queue.size();
            }
            if (overflow) {
                upstream.cancel();
                // How many it fell behind: the event bound, or fewer when the byte bound came first.
                error = new SlowSubscriberException(held);
                done = true;
            }
            drain();
        }

        @Override
        public void onError(Throwable t) {
            if (done) {
                return;
            }
            error = t;
            done = true;
            drain();
        }

        @Override
        public void onComplete() {
            if (done) {
                return;
            }
            done = true;
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                requested.getAndUpdate(r -> Operators.addCap(r, n));
                drain();
            }
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                upstream.cancel();
                if (wip.getAndIncrement() == 0) {
                    clear();
                }
            }
        }

        private void clear() {
            synchronized (queue) {
                queue.clear();
                queuedBytes = 0;
            }
        }

        private ServerEvent poll() {
            synchronized (queue) {
                ServerEvent event = queue.poll();
                if (event != null) {
                    queuedBytes -= sizeOf(event);
                }
                return event;
            }
        }

        private boolean isEmpty() {
            synchronized (queue) {
                return queue.isEmpty();
            }
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            while (true) {
                long r = requested.get();
                long emitted = 0;
                while (emitted != r) {
                    if (cancelled) {
                        clear();
                        return;
                    }
                    boolean d = done;
                    ServerEvent event = poll();
                    if (event == null) {
                        if (d) {
                            terminate();
                            return;
                        }
                        break;
                    }
                    actual.onNext(event);
                    emitted++;
                }
                if (emitted == r) {
                    if (cancelled) {
                        clear();
                        return;
                    }
                    if (done && isEmpty()) {
                        terminate();
                        return;
                    }
                }
                if (emitted != 0 && r != Long.MAX_VALUE) {
                    requested.addAndGet(-emitted);
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void terminate() {
            cancelled = true; // nothing more, ever
            Throwable e = error;
            if (e != null) {
                actual.onError(e);
            } else {
                actual.onComplete();
            }
        }
    }
}
