package io.rtvoice.transcription;

import io.rtvoice.Dialect;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.RealtimeError;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.internal.client.ServerRequest;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.internal.client.CloseFromAnyThread;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A transcription-only session over one {@link RealtimeSession}: audio in ({@link #append}, {@link #commit},
 * {@link #clear}), and for each item of committed audio — cut by the service's VAD or by {@link #commit()} —
 * a {@link TranscriptionItem} with its transcript as it streams. The service never answers in such a session:
 * there are no responses.
 * <pre>{@code
 * RealtimeClient client = RealtimeClient.builder().endpoint(Endpoint.openAiTranscription()).credentials(key).build();
 * TranscriptionSession session = TranscriptionSession.open(client,
 *         TranscriptionConfig.builder("gpt-4o-transcribe").language("en").build()).block();
 * session.transcripts().subscribe(t -> System.out.println(t.text()));
 * session.append(pcm16At24kHz); // as the audio comes
 * }</pre>
 *
 * <p>The session must be opened at a transcription endpoint ({@code ?intent=transcription}, see
 * {@link io.rtvoice.Endpoint#transcription()}). In the GA dialect {@link #configure} sends {@code session.update}
 * with {@code session.type = "transcription"} and waits for {@code session.updated}; in the preview dialect it
 * sends {@code transcription_session.update} and waits for {@code transcription_session.updated}.
 *
 * <p>Events it cannot use (a transcription event with no {@code item_id}, a delta for an item already
 * transcribed) are skipped and counted ({@link #skippedEvents()}); nothing it does throws into the session's
 * shared stream. When the session ends, {@link #items()} and {@link #transcripts()} complete and every item
 * still waiting for its transcript fails with the session's end ({@link RealtimeSession#closeStatus()} tells
 * how it ended). Over a session that reconnects ({@link RealtimeClient#connect(io.rtvoice.ReconnectPolicy)}), the
 * items pending when a connection is replaced fail with {@code session_reconnected}, and the configuration
 * is restored as the policy says. Nothing here blocks: every method may be called from an event loop. Thread-safe.
 */
public final class TranscriptionSession implements AutoCloseable {

    /** How many transcribed item ids are remembered, so that a late or repeated event for one is not taken as a new item. */
    private static final int FINISHED_IDS_KEPT = 1024;
    /** What an {@code error} event or a failed transcription that carries no {@code error} object is taken to say. */
    private static final RealtimeError UNDESCRIBED_ERROR = ServerRequest.UNDESCRIBED_ERROR;

    private final RealtimeSession session;
    private final Map<String, TranscriptionItem> pending = new ConcurrentHashMap<>();
    /** Ids of items already transcribed (or failed); touched only by the dispatch, one event at a time. */
    private final Map<String, Boolean> finished = new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > FINISHED_IDS_KEPT;
        }
    };
    private final Sinks.Many<TranscriptionItem> itemSink = Sinks.many().multicast().directBestEffort();
    private final LongAdder skipped = new LongAdder();
    private final AtomicLong eventIds = new AtomicLong();
    private final Disposable dispatch;
    private final Disposable reconnected;
    /** Why the session ended, once it has. */
    private volatile Throwable endCause;

    private TranscriptionSession(RealtimeSession session) {
        this.session = session;
        this.dispatch = session.events().subscribe(this::dispatch, this::ended, () -> ended(null));
        // A new connection is a new session on the service's side: what the old one had pending will never be transcribed.
        this.reconnected = session.reconnections().subscribe(r -> lost(), e -> { });
    }

    /** A transcription session over {@code session}, opened at a transcription endpoint; not yet configured. */
    public static TranscriptionSession over(RealtimeSession session) {
        return new TranscriptionSession(Objects.requireNonNull(session, "session"));
    }

    /** Connects with {@code client} (whose endpoint is a transcription endpoint); not yet configured. */
    public static Mono<TranscriptionSession> connect(RealtimeClient client) {
        return client.connect().map(TranscriptionSession::new);
    }

    /**
     * Connects with {@code client} and configures the session with {@code config}; completes once the service
     * confirmed the configuration. If it refused it, the session is closed and this fails with
     * {@link TranscriptionException}.
     */
    public static Mono<TranscriptionSession> open(RealtimeClient client, TranscriptionConfig config) {
        Objects.requireNonNull(config, "config");
        return connect(client).flatMap(t -> t.configure(config).thenReturn(t)
                .onErrorResume(e -> t.closeGracefully().onErrorResume(closeFailed -> Mono.empty()).then(Mono.error(e))));
    }

    /** The low-level session underneath. */
    public RealtimeSession session() {
        return session;
    }

    /** Every server event, in order (the session's own stream). */
    public Flux<ServerEvent> events() {
        return session.events();
    }

    /**
     * Sends the configuration ({@code session.update} with {@code type = "transcription"}, or the preview's
     * {@code transcription_session.update}) when subscribed; completes with the session as the service now
     * has it, or fails with {@link TranscriptionException} on an error event about it.
     */
    public Mono<SessionConfig> configure(TranscriptionConfig config) {
        SessionConfig sent = Objects.requireNonNull(config, "config").sessionConfig();
        String eventId = nextEventId();
        if (session.dialect() == Dialect.PREVIEW) {
            return request(new ClientEvent.TranscriptionSessionUpdate(eventId, sent), events()
                    .ofType(ServerEvent.TranscriptionSessionUpdated.class).next().map(ServerEvent.TranscriptionSessionUpdated::session));
        }
        return request(new ClientEvent.SessionUpdate(eventId, sent),
                events().ofType(ServerEvent.SessionUpdated.class).next().map(ServerEvent.SessionUpdated::session));
    }

    /**
     * Appends audio to the input buffer, in the session's input format (PCM16 little-endian mono at 24 kHz
     * unless configured otherwise). The array is not copied: do not change it until it was sent.
     */
    public void append(byte[] audio) {
        session.send(new ClientEvent.InputAudioBufferAppend(null, audio));
    }

    /**
     * Makes the buffered audio an item to transcribe (at least 100 ms of it, or the service answers with an
     * {@code input_audio_buffer_commit_empty} error). For sessions configured with
     * {@link TranscriptionConfig.Builder#manualCommit()}; with VAD the service commits by itself.
     */
    public void commit() {
        session.send(new ClientEvent.InputAudioBufferCommit(nextEventId()));
    }

    /** Drops the buffered audio that was not committed yet; the service answers {@code input_audio_buffer.cleared}. */
    public void clear() {
        session.send(new ClientEvent.InputAudioBufferClear(nextEventId()));
    }

    /** The items of committed audio, in the order they were committed, from now on; completes when the session ends. */
    public Flux<TranscriptionItem> items() {
        return itemSink.asFlux();
    }

    /**
     * The completed transcripts of the items committed from now on, in the order the items were committed
     * (a transcript that completes early waits for the items before it). An item whose transcription failed
     * has no line here (its {@link TranscriptionItem#transcript()} says why). Completes when the session ends.
     */
    public Flux<Transcript> transcripts() {
        return items().onBackpressureBuffer().concatMap(item -> item.transcript().onErrorResume(e -> Mono.empty()));
    }

    /**
     * Server events this session could not use and skipped, since it started: a transcription event with no
     * {@code item_id}, one for an item already transcribed, and the like. They are still on {@link #events()}.
     */
    public long skippedEvents() {
        return skipped.sum();
    }

    /** {@link ServerRequest#send}: answered, refused with a {@link TranscriptionException}, or ended. */
    private <T> Mono<T> request(ClientEvent request, Mono<T> answer) {
        return ServerRequest.send(session, request, answer, TranscriptionException::new, Mono.never(), () -> endCause);
    }

    private String nextEventId() {
        return "evt_rtt" + Long.toHexString(eventIds.incrementAndGet());
    }

    /** Tracks {@code event}. Nothing may throw from here: it would cancel this subscriber of the shared stream. */
    private void dispatch(ServerEvent event) {
        try {
            if (!track(event)) {
                skipped.increment();
            }
        } catch (RuntimeException unusable) {
            skipped.increment();
        }
    }

    /** Whether {@code event} was usable (or none of this class's business). */
    private boolean track(ServerEvent event) {
        if (event instanceof ServerEvent.InputAudioBufferCommitted e) {
            if (e.itemId() == null || pending.containsKey(e.itemId()) || finished.containsKey(e.itemId())) {
                return false;
            }
            add(new TranscriptionItem(e.itemId(), e.previousItemId()));
        } else if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionDelta e) {
            TranscriptionItem item = item(e.itemId());
            if (item == null) {
                return false;
            }
            if (e.delta() != null) {
                item.delta(e.delta());
            }
        } else if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionSegment e) {
            TranscriptionItem item = item(e.itemId());
            if (item == null) {
                return false;
            }
            item.segment(new TranscriptSegment(e.id(), e.text(), e.speaker(), e.start(), e.end()));
        } else if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionCompleted e) {
            TranscriptionItem item = finish(e.itemId());
            if (item == null) {
                return false;
            }
            item.completed(new Transcript(item.id(), e.transcript(), e.logprobs(), e.usage()));
        } else if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionFailed e) {
            TranscriptionItem item = finish(e.itemId());
            if (item == null) {
                return false;
            }
            item.failed(new TranscriptionException(e.error() != null ? e.error() : UNDESCRIBED_ERROR));
        }
        return true;
    }

    /**
     * The pending item {@code itemId}; one not seen committed (its commit was not heard) is taken as new, and
     * one already transcribed is {@code null}.
     */
    private TranscriptionItem item(String itemId) {
        if (itemId == null || finished.containsKey(itemId)) {
            return null;
        }
        TranscriptionItem item = pending.get(itemId);
        return item != null ? item : add(new TranscriptionItem(itemId, null));
    }

    /** The item {@code itemId}, no longer pending. */
    private TranscriptionItem finish(String itemId) {
        TranscriptionItem item = item(itemId);
        if (item != null) {
            pending.remove(itemId);
            finished.put(itemId, Boolean.TRUE);
        }
        return item;
    }

    private TranscriptionItem add(TranscriptionItem item) {
        pending.put(item.id(), item);
        itemSink.tryEmitNext(item);
        return item;
    }

    private void lost() {
        TranscriptionException lost = new TranscriptionException(new RealtimeError("connection_lost", "session_reconnected",
                "the connection was replaced by a new session before this item was transcribed", null, null));
        pending.values().forEach(item -> item.failed(lost));
        pending.clear();
    }

    private void ended(Throwable error) {
        Throwable cause = error != null ? error : new IllegalStateException("the session has ended");
        endCause = cause;
        pending.values().forEach(item -> item.failed(cause));
        pending.clear();
        itemSink.tryEmitComplete();
    }

    /** Closes the session gracefully (close frame 1000); completes when it is closed. Idempotent. */
    public Mono<Void> closeGracefully() {
        return session.closeGracefully().doFinally(s -> {
            dispatch.dispose();
            reconnected.dispose();
        });
    }

    /**
     * {@link #closeGracefully()}; safe from any thread. On an ordinary thread it waits, up to 10 s; on a
     * non-blocking one it starts the close and returns at once.
     */
    @Override
    public void close() {
        CloseFromAnyThread.close(closeGracefully());
    }

    @Override
    public String toString() {
        return "TranscriptionSession[" + pending.size() + " items pending]";
    }
}
