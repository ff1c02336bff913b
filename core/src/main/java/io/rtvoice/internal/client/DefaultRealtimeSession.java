package io.rtvoice.internal.client;

import io.rtvoice.Dialect;
import io.rtvoice.FrameTooLargeException;
import io.rtvoice.RealtimeSession;
import io.rtvoice.SendQueueFullException;
import io.rtvoice.SessionEndedException;
import io.rtvoice.SlowSubscriberPolicy;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.EventDecodeException;
import io.rtvoice.event.RealtimeError;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.TransportConnection;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;
import reactor.core.scheduler.Schedulers;
import java.util.concurrent.locks.LockSupport;

/**
 * A session over one transport connection: sends are encoded on the caller's thread and queued in one
 * bounded, serialised sink the connection drains in order; received frames are decoded on the
 * connection's thread, in order, into one multicast sink.
 */
public final class DefaultRealtimeSession implements RealtimeSession {

    /** How long a graceful close waits for queued frames to be written before its close frame. */
    private static final java.time.Duration FLUSH_TIMEOUT = java.time.Duration.ofSeconds(5);
    private static final int MAX_SCRATCH = 1 << 20;
    private static final byte[] NO_AUDIO = new byte[0];
    private static final EventCodec.AudioSink[] NO_ROUTES = {};
    /** How long {@link #send} waits for room in a full queue before it gives up. */
    private static final long QUEUE_FULL_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final TransportConnection connection;
    private final EventCodec codec;
    private final int sendQueueCapacity;
    private final Sinks.Many<byte[]> outbound;
    private final AtomicInteger queued = new AtomicInteger();
    /** Set once the outbound stream is to complete, for a sender whose emit was in the way. */
    private volatile boolean completeAfterEmit;
    private final Sinks.Many<ServerEvent> events = SubscriberBuffers.shared();
    private final SubscriberBuffers subscriberBuffers;
    /** Completes when every frame accepted by {@link #send} has been written (or the writer failed). */
    private final Sinks.Empty<Void> flushed = Sinks.empty();
    private final AtomicBoolean closedByClient = new AtomicBoolean();
    /** The one close every {@link #closeGracefully()} returns. */
    private final AtomicReference<Mono<Void>> closing = new AtomicReference<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicLong undecodable = new AtomicLong();
    private final UnaryOperator<String> redact;
    /** Where the audio of output deltas goes instead of their events, or null (see {@link RealtimeSession#routeAudio}). */
    private volatile EventCodec.AudioSink[] audioRoutes = NO_ROUTES;
    private final EventCodec.AudioSink routed = this::routed;
    /** The route of the frame being decoded (connection thread only). */
    private EventCodec.AudioSink[] routing = NO_ROUTES;
    private final FramePool appendFrames = new FramePool();
    private final java.util.function.IntFunction<byte[]> appendArrays = appendFrames::take;
    /** The connection thread's copy of a frame lent in memory that is not an array. */
    private byte[] scratch = new byte[16 * 1024];

    /** Starts both directions on {@code connection}; the server's texts are passed on as they came. */
    public DefaultRealtimeSession(TransportConnection connection, EventCodec codec, int sendQueueCapacity,
            int subscriberBuffer, SlowSubscriberPolicy slowSubscriberPolicy) {
        this(connection, codec, sendQueueCapacity, subscriberBuffer, slowSubscriberPolicy, UnaryOperator.identity());
    }

    /**
     * Starts both directions on {@code connection}; {@code redact} removes the connection's credentials from
     * the texts a server sends back (error messages, close reasons), since a server may echo the key.
     */
    public DefaultRealtimeSession(TransportConnection connection, EventCodec codec, int sendQueueCapacity,
            int subscriberBuffer, SlowSubscriberPolicy slowSubscriberPolicy, UnaryOperator<String> redact) {
        this.redact = redact;
        this.subscriberBuffers = new SubscriberBuffers(subscriberBuffer, slowSubscriberPolicy);
        this.connection = connection;
        this.codec = codec;
        this.sendQueueCapacity = sendQueueCapacity;
        // Lock-free, so that the writer (on the connection's event loop) never waits for a sender's lock, as
        // it did on an ArrayBlockingQueue; the bound is the count of frames queued and not yet taken.
        Queue<byte[]> queue = Queues.<byte[]>unboundedMultiproducer().get();
        this.outbound = Sinks.many().unicast().onBackpressureBuffer(queue);
        connection.send(outbound.asFlux().doOnNext(frame -> queued.decrementAndGet()), appendFrames::give)
                .subscribe(null, error -> flushed.tryEmitEmpty(), flushed::tryEmitEmpty);
        connection.receive(new TransportConnection.Receiver() {
            @Override
            public void frame(ByteBuffer utf8) {
                received(utf8);
            }

            @Override
            public void completed() {
                DefaultRealtimeSession.this.completed();
            }

            @Override
            public void failed(Throwable error) {
                broken(error);
            }
        });
    }

    /** A lent frame: decoded where it lies when it is an array, else from a copy in {@link #scratch}. */
    private void received(ByteBuffer utf8) {
        int length = utf8.remaining();
        if (utf8.hasArray()) {
            received(utf8.array(), utf8.arrayOffset() + utf8.position(), length);
        } else {
            byte[] copy = scratch(length);
            utf8.get(utf8.position(), copy, 0, length);
            received(copy, 0, length);
        }
    }

    /** A reused array of at least {@code length} bytes; one for a rare huge frame is not kept. */
    private byte[] scratch(int length) {
        if (scratch.length >= length) {
            return scratch;
        }
        byte[] bigger = new byte[Math.max(length, Math.min(2 * scratch.length, MAX_SCRATCH))];
        if (bigger.length <= MAX_SCRATCH) {
            scratch = bigger;
        }
        return bigger;
    }

    private void received(byte[] frame, int offset, int length) {
        EventCodec.AudioSink[] routes = audioRoutes;
        if (routes.length > 0) {
            routing = routes; // read once per frame: a route removed meanwhile still gets this frame's audio
            if (codec.decodeAudioDelta(frame, offset, length, routed)) {
                return;
            }
        }
        ServerEvent event;
        try {
            event = codec.decodeServerEvent(frame, offset, length);
        } catch (EventDecodeException e) {
            undecodable.incrementAndGet();
            return;
        }
        emit(redacted(event));
    }

    /** The audio to the route, then the delta's event without it (see {@link RealtimeSession#routeAudio}). */
    private void routed(String responseId, String itemId, int outputIndex, int contentIndex, byte[] audio, int offset, int length) {
        for (EventCodec.AudioSink route : routing) {
            try {
                route.audio(responseId, itemId, outputIndex, contentIndex, audio, offset, length);
            } catch (RuntimeException routeFailed) {
                // Thrown from here it would end the connection. The audio stays out of the event even so: the
                // other routes took it (a player that also plays events would play it twice). That route misses it.
            }
        }
        emit(new ServerEvent.ResponseOutputAudioDelta(null, responseId, itemId, outputIndex, contentIndex, NO_AUDIO));
    }

    private void emit(ServerEvent event) {
        // Only the connection's thread emits. Subscribers' own buffers take every event at once, so the
        // sink overflows only when nobody has subscribed yet and 16k events came: those are counted.
        if (events.tryEmitNext(event) == Sinks.EmitResult.FAIL_OVERFLOW) {
            subscriberBuffers.lostBeforeSubscribers();
        }
    }

    /** {@code event} with the credentials taken out of the server's error message, if it has one. */
    private ServerEvent redacted(ServerEvent event) {
        if (event instanceof ServerEvent.Error e && e.error() != null) {
            return new ServerEvent.Error(e.eventId(), redacted(e.error()));
        }
        if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionFailed f && f.error() != null) {
            return new ServerEvent.ConversationItemInputAudioTranscriptionFailed(f.eventId(), f.itemId(), f.contentIndex(),
                    redacted(f.error()));
        }
        return event;
    }

    private RealtimeError redacted(RealtimeError error) {
        String message = redact.apply(error.message());
        return java.util.Objects.equals(message, error.message()) ? error
                : new RealtimeError(error.type(), error.code(), message, error.param(), error.eventId());
    }

    private CloseStatus redacted(CloseStatus status) {
        return new CloseStatus(status.code(), redact.apply(status.reason()));
    }

    private void broken(Throwable error) {
        end(CloseStatus.ABNORMAL, error);
    }

    private void completed() {
        connection.closeStatus().defaultIfEmpty(CloseStatus.ABNORMAL).subscribe(status -> end(status, null));
    }

    private void end(CloseStatus status, Throwable cause) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        completeOutbound();
        if (closedByClient.get()) {
            events.tryEmitComplete();
        } else {
            events.tryEmitError(new SessionEndedException(redacted(status), cause));
        }
    }

    @Override
    public Disposable routeAudio(EventCodec.AudioSink sink) {
        java.util.Objects.requireNonNull(sink, "sink");
        synchronized (this) {
            EventCodec.AudioSink[] routes = java.util.Arrays.copyOf(audioRoutes, audioRoutes.length + 1);
            routes[routes.length - 1] = sink;
            audioRoutes = routes;
        }
        return new Disposable() {
            private volatile boolean disposed;

            @Override
            public void dispose() {
                synchronized (DefaultRealtimeSession.this) {
                    if (!disposed) {
                        disposed = true;
                        audioRoutes = without(audioRoutes, sink);
                    }
                }
            }

            @Override
            public boolean isDisposed() {
                return disposed;
            }
        };
    }

    /** {@code routes} without the first {@code sink} in it. */
    static EventCodec.AudioSink[] without(EventCodec.AudioSink[] routes, EventCodec.AudioSink sink) {
        for (int i = 0; i < routes.length; i++) {
            if (routes[i] == sink) {
                EventCodec.AudioSink[] fewer = new EventCodec.AudioSink[routes.length - 1];
                System.arraycopy(routes, 0, fewer, 0, i);
                System.arraycopy(routes, i + 1, fewer, i, fewer.length - i);
                return fewer;
            }
        }
        return routes;
    }

    @Override
    public Flux<ServerEvent> events() {
        return subscriberBuffers.each(events.asFlux());
    }

    @Override
    public long droppedEvents() {
        return subscriberBuffers.dropped();
    }

    @Override
    public void send(ClientEvent event) {
        if (ended.get() || closedByClient.get()) {
            throw new IllegalStateException("the session has ended; " + event.type() + " was not sent");
        }
        // Appends, the stream of the send path, go in arrays the transport hands back once written.
        byte[] frame = event instanceof ClientEvent.InputAudioBufferAppend ? codec.encode(event, appendArrays) : codec.encode(event);
        if (frame.length > codec.maxFrameBytes()) {
            // Refused here, where the caller can act on it: written, it would end the session (1009 or a broken connection).
            throw new FrameTooLargeException(event.type(), frame.length, codec.maxFrameBytes());
        }
        long deadline = 0;
        while (true) {
            Sinks.EmitResult result;
            if (queued.incrementAndGet() > sendQueueCapacity) {
                result = Sinks.EmitResult.FAIL_OVERFLOW;
            } else {
                try {
                    result = outbound.tryEmitNext(frame);
                } finally {
                    if (completeAfterEmit) {
                        outbound.tryEmitComplete();
                    }
                }
            }
            if (result != Sinks.EmitResult.OK) {
                queued.decrementAndGet();
            }
            switch (result) {
                case OK:
                    return;
                case FAIL_NON_SERIALIZED:
                    Thread.onSpinWait(); // another thread is emitting right now: its frame goes first
                    continue;
                case FAIL_OVERFLOW:
                    // A burst: wait for the writer to make room, but never on a non-blocking thread (the
                    // writer may be that very thread) and never for longer than QUEUE_FULL_WAIT.
                    if (deadline == 0) {
                        deadline = System.nanoTime() + QUEUE_FULL_WAIT_NANOS;
                    }
                    if (Schedulers.isInNonBlockingThread() || System.nanoTime() > deadline || ended.get()) {
                        throw new SendQueueFullException(sendQueueCapacity);
                    }
                    LockSupport.parkNanos(100_000);
                    continue;
                default:
                    throw new IllegalStateException("the session has ended; " + event.type() + " was not sent");
            }
        }
    }

    @Override
    public Dialect dialect() {
        return codec.dialect();
    }

    /**
     * No more frames: senders racing this get "ended"; a sender mid-emit finishes first. This never
     * waits: when another emit is in progress (on another thread, or this thread's own, when a transport
     * delivers synchronously and its server closes in answer), the sender completes the stream as its
     * emit returns — every emit checks, after it, whether a completion is waiting.
     */
    private void completeOutbound() {
        completeAfterEmit = true;
        outbound.tryEmitComplete(); // FAIL_NON_SERIALIZED: the emitting sender completes it
    }

    @Override
    public Mono<Void> closeGracefully() {
        // Sends are refused from this call on; the close itself runs once, when a caller first subscribes,
        // and every call returns that same close: a second call must not end the events before the
        // server's answer, nor a first call nobody subscribed to leave the connection open.
        closedByClient.set(true);
        closing.compareAndSet(null, Mono.defer(() -> ended.get() ? Mono.<Void>empty() : flushThenClose())
                .then(Mono.<Void>fromRunnable(() -> end(new CloseStatus(1000, "client closed"), null)))
                .cache());
        return closing.get();
    }

    /** Every send that returned is written before the close frame (waiting up to {@link #FLUSH_TIMEOUT}). */
    private Mono<Void> flushThenClose() {
        completeOutbound();
        return flushed.asMono().timeout(FLUSH_TIMEOUT).onErrorResume(e -> Mono.empty())
                .then(Mono.defer(() -> connection.close(1000, "client closed")).onErrorResume(e -> Mono.empty()));
    }

    @Override
    public Mono<CloseStatus> closeStatus() {
        return connection.closeStatus().map(this::redacted);
    }

    @Override
    public long undecodableFrames() {
        return undecodable.get();
    }
}
