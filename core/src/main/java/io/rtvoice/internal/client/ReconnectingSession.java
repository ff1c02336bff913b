package io.rtvoice.internal.client;

import io.rtvoice.Dialect;
import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.ReconnectPolicy;
import io.rtvoice.Reconnection;
import io.rtvoice.SessionEndedException;
import io.rtvoice.SlowSubscriberException;
import io.rtvoice.SlowSubscriberPolicy;
import io.rtvoice.AuthenticationException;

import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.ContentPart;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.Item;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A {@link RealtimeSession} that outlives its connections: when one is lost it connects again by its
 * {@link ReconnectPolicy} policy, restores what the policy says, and goes on. {@link #events()} is one stream
 * across connections (each new connection's {@code session.created} included); {@link #reconnections()}
 * says when it happened. While reconnecting, {@link #send} throws {@link IllegalStateException}: audio
 * captured during an outage is not kept for later.
 */
public final class ReconnectingSession implements RealtimeSession {

    private static final Set<String> FATAL_ERROR_CODES = Set.of("invalid_api_key", "insufficient_quota",
            "account_deactivated", "billing_hard_limit_reached", "model_not_found", "deployment_not_found");
    private static final Set<Integer> FATAL_HTTP = Set.of(400, 401, 403, 404);
    private static final Set<Integer> FATAL_CLOSE = Set.of(1002, 1003, 1007, 1008, 1009, 1010);

    private final RealtimeClient client;
    private final ReconnectPolicy policy;
    /** The connections' events are forwarded to this session's subscribers through buffers of their own. */
    private final SubscriberBuffers subscriberBuffers;
    private final Sinks.Many<ServerEvent> events = SubscriberBuffers.shared();
    private final Sinks.Many<Reconnection> reconnections = Sinks.many().multicast().directBestEffort();
    private final Sinks.One<CloseStatus> finalStatus = Sinks.one();
    private final Object lock = new Object();

    // What a restore re-sends, learnt from what the app sent and the server confirmed.
    private final List<SessionConfig> sessionUpdates = new CopyOnWriteArrayList<>();
    private final Map<String, Item> items = new LinkedHashMap<>();
    private final Set<String> truncated = new HashSet<>();

    private volatile RealtimeSession current;
    private volatile Disposable forwarding;
    /** Where the app routed the audio ({@link #routeAudio}), or null; its route on the current connection. */
    private volatile EventCodec.AudioSink[] audioRoutes = {};
    private volatile Disposable currentRoute = Disposables.disposed();
    private volatile Disposable renewal;
    /** The wait and connect of a recovery in progress, disposed by a close. */
    private volatile Disposable reconnecting;
    private volatile boolean closed;
    private volatile boolean responseActive;
    private volatile boolean renewWhenIdle;
    private volatile String lastErrorCode;
    private long pastUndecodable;
    private long pastDropped;

    private ReconnectingSession(RealtimeClient client, ReconnectPolicy policy, SubscriberBuffers subscriberBuffers) {
        this.client = client;
        this.policy = policy;
        this.subscriberBuffers = subscriberBuffers;
    }

    /**
     * Opens the first connection, then keeps the session going by {@code policy}. Each subscriber of
     * {@link #events()} has a buffer of {@code subscriberBuffer} events, as with a plain session.
     */
    public static Mono<ReconnectingSession> connect(RealtimeClient client, ReconnectPolicy policy, int subscriberBuffer,
            SlowSubscriberPolicy slowSubscriberPolicy) {
        return client.connect().map(first -> {
            ReconnectingSession session = new ReconnectingSession(client, policy, new SubscriberBuffers(subscriberBuffer, slowSubscriberPolicy));
            session.attach(first);
            return session;
        });
    }

    /** Every reconnection, as it completes. */
    @Override
    public Flux<Reconnection> reconnections() {
        return reconnections.asFlux();
    }

    /**
     * Routes the audio of {@code session}, while it is the current one, to the app's routes (one route on it for all of
     * them, so that their order and the event without audio are the connection's); none while the app has none. Under
     * the lock.
     */
    private void routeOn(RealtimeSession session) {
        currentRoute.dispose();
        currentRoute = audioRoutes.length == 0 ? Disposables.disposed() : session.routeAudio((response, item, output, content, audio, offset, length) -> {
            if (session != current) {
                return; // an old connection's last words after a switch-over are dropped, as its events are
            }
            for (EventCodec.AudioSink route : audioRoutes) {
                try {
                    route.audio(response, item, output, content, audio, offset, length);
                } catch (RuntimeException routeFailed) {
                    // that route misses this delta; the others do not (see DefaultRealtimeSession.routed)
                }
            }
        });
    }

    @Override
    public Disposable routeAudio(EventCodec.AudioSink sink) {
        Objects.requireNonNull(sink, "sink");
        synchronized (lock) {
            EventCodec.AudioSink[] routes = java.util.Arrays.copyOf(audioRoutes, audioRoutes.length + 1);
            routes[routes.length - 1] = sink;
            audioRoutes = routes;
            RealtimeSession session = current;
            if (session != null && routes.length == 1) {
                routeOn(session);
            }
        }
        return Disposables.composite(() -> {
            synchronized (lock) {
                audioRoutes = DefaultRealtimeSession.without(audioRoutes, sink);
                if (audioRoutes.length == 0) {
                    currentRoute.dispose();
                }
            }
        });
    }

    /** Makes {@code session} the current one and forwards its events; false when this session was closed meanwhile. */
    private boolean attach(RealtimeSession session) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            current = session;
            lastErrorCode = null;
            responseActive = false;
            forwarding = session.events().subscribe(e -> forward(session, e), e -> lost(session, e), () -> lost(session, null));
            routeOn(session);
            return true;
        }
    }

    private void forward(RealtimeSession from, ServerEvent event) {
        synchronized (lock) {
            if (from != current) {
                return; // an old connection's last words after a switch-over
            }
            try {
                learn(event);
            } catch (RuntimeException incomplete) {
                // An event with fields missing teaches nothing; thrown from here it would be taken for a lost connection.
            }
            if (events.tryEmitNext(event) == Sinks.EmitResult.FAIL_OVERFLOW) {
                subscriberBuffers.lostBeforeSubscribers();
            }
        }
        if (event instanceof ServerEvent.ResponseDone && renewWhenIdle) {
            renew();
        }
    }

    /**
     * Keeps what a restore needs; called under the lock, in wire order. An incomplete event (the codec lets
     * them through as they came) teaches nothing: never throws for one.
     */
    private void learn(ServerEvent event) {
        if (event instanceof ServerEvent.SessionCreated e) {
            if (e.session() != null) {
                scheduleRenewal(e.session().expiresAt());
            }
        } else if (event instanceof ServerEvent.ResponseCreated) {
            responseActive = true;
        } else if (event instanceof ServerEvent.ResponseDone) {
            responseActive = false;
        } else if (event instanceof ServerEvent.Error e) {
            lastErrorCode = e.error() == null ? null : e.error().code();
        } else if (event instanceof ServerEvent.ConversationItemCreated e) {
            remember(e.item());
        } else if (event instanceof ServerEvent.ConversationItemAdded e) {
            remember(e.item());
        } else if (event instanceof ServerEvent.ConversationItemDone e) {
            remember(e.item());
        } else if (event instanceof ServerEvent.ResponseOutputItemDone e) {
            remember(e.item());
        } else if (event instanceof ServerEvent.ConversationItemDeleted e && e.itemId() != null) {
            items.remove(e.itemId());
        } else if (event instanceof ServerEvent.ConversationItemTruncated e && e.itemId() != null) {
            truncated.add(e.itemId());
        } else if (event instanceof ServerEvent.ConversationItemInputAudioTranscriptionCompleted e && e.itemId() != null) {
            Item item = items.get(e.itemId());
            if (item != null && item.content() != null && e.contentIndex() < item.content().size()) {
                List<ContentPart> parts = new ArrayList<>(item.content());
                ContentPart p = parts.get(e.contentIndex());
                parts.set(e.contentIndex(), new ContentPart(p.type(), p.text(), p.audio(), e.transcript(), p.imageUrl(), p.detail(), p.id()));
                items.put(item.id(), item.withContent(parts));
            }
        }
    }

    private void remember(Item item) {
        if (item != null && item.id() != null) {
            items.put(item.id(), item);
        }
    }

    private void lost(RealtimeSession session, Throwable error) {
        Throwable fatal;
        synchronized (lock) {
            if (session != current) {
                return; // replaced on purpose
            }
            current = null;
            pastUndecodable += session.undecodableFrames();
            pastDropped += session.droppedEvents();
            cancelRenewal();
            if (closed) {
                finish(null);
                return;
            }
            fatal = cannotHeal(error);
        }
        if (fatal != null) {
            finish(fatal);
            return;
        }
        reconnect(1, System.nanoTime(), describe(error), error);
    }

    /** The error itself when retrying cannot help, else null. */
    private Throwable cannotHeal(Throwable error) {
        if (lastErrorCode != null && FATAL_ERROR_CODES.contains(lastErrorCode)) {
            return error != null ? error : new IllegalStateException("the service ended the session: " + lastErrorCode);
        }
        if (error == null) {
            return null; // completed without an error: the server closed; try again
        }
        if (error instanceof SessionEndedException ended && FATAL_CLOSE.contains(ended.closeStatus().code())) {
            return error;
        }
        if (error instanceof SlowSubscriberException) {
            return null;
        }
        if (error instanceof AuthenticationException) {
            return error;
        }
        if (error instanceof TransportException t && FATAL_HTTP.contains(t.httpStatus())) {
            return error;
        }
        return null;
    }

    private void reconnect(int attempt, long lostAtNanos, String cause, Throwable lastFailure) {
        if (attempt > policy.maxAttempts()) {
            finish(lastFailure != null ? lastFailure : new IllegalStateException("reconnecting failed: " + cause));
            return;
        }
        Duration wait = policy.delay(attempt, ThreadLocalRandom.current().nextDouble());
        reconnecting = Mono.delay(wait).then(client.connect()).subscribe(session -> {
            // Restored before it is attached, so that nothing the app sends can overtake what is restored
            // (until attached, the app's sends are refused as "reconnecting").
            restore(session);
            if (!attach(session)) { // closed while connecting
                session.closeGracefully().subscribe(null, e -> { });
                finish(null);
                return;
            }
            reconnections.tryEmitNext(new Reconnection(attempt, Duration.ofNanos(System.nanoTime() - lostAtNanos), cause,
                    policy.restore(), false));
        }, failure -> {
            Throwable fatal = cannotHeal(failure);
            if (fatal != null || closed) {
                finish(fatal);
            } else {
                reconnect(attempt + 1, lostAtNanos, cause, failure);
            }
        });
    }

    /** Re-sends what the policy restores, in the order it was first sent or seen. */
    private void restore(RealtimeSession session) {
        if (policy.restore() == ReconnectPolicy.Restore.NOTHING) {
            return;
        }
        List<Item> replay;
        synchronized (lock) {
            replay = policy.restore() == ReconnectPolicy.Restore.SESSION_AND_ITEMS ? replayable() : List.of();
            items.clear(); // the new session's confirmations bring them back
            truncated.clear();
        }
        try {
            for (SessionConfig update : sessionUpdates) {
                session.send(new ClientEvent.SessionUpdate(null, update));
            }
            for (Item item : replay) {
                session.send(new ClientEvent.ConversationItemCreate(null, null, item));
            }
        } catch (IllegalStateException endedAgain) {
            // lost again while restoring: the next attempt restores from scratch
        }
    }

    /** The items this client saw, as the service accepts them back: audio as its transcript. */
    private List<Item> replayable() {
        List<Item> out = new ArrayList<>();
        for (Item item : items.values()) {
            if ("function_call".equals(item.type()) || "function_call_output".equals(item.type())) {
                out.add(item.withStatus(null));
                continue;
            }
            if (!"message".equals(item.type()) || item.content() == null) {
                continue;
            }
            boolean assistant = "assistant".equals(item.role());
            List<ContentPart> parts = new ArrayList<>();
            for (ContentPart part : item.content()) {
                String text = part.audioPart() ? (truncated.contains(item.id()) ? null : part.transcript()) : part.text();
                if (text != null && !text.isEmpty()) {
                    parts.add(assistant ? ContentPart.outputText(text) : ContentPart.inputText(text));
                }
            }
            if (!parts.isEmpty()) {
                out.add(Item.message(item.role(), parts).withId(item.id()));
            }
        }
        return out;
    }

    private void scheduleRenewal(Long expiresAtSeconds) {
        Duration margin = policy.renewBefore();
        if (margin == null || expiresAtSeconds == null) {
            return;
        }
        cancelRenewal();
        long inMillis = Math.max(0, expiresAtSeconds * 1000 - System.currentTimeMillis() - margin.toMillis());
        renewal = Mono.delay(Duration.ofMillis(inMillis)).subscribe(t -> renew());
    }

    private void cancelRenewal() {
        Disposable r = renewal;
        if (r != null) {
            r.dispose();
        }
    }

    /** Make before break: the next session is ready and restored before the old one is let go. */
    private void renew() {
        if (closed || current == null) {
            return;
        }
        if (responseActive) {
            renewWhenIdle = true; // never cut a response: switch over at its response.done
            return;
        }
        renewWhenIdle = false;
        long started = System.nanoTime();
        client.connect().subscribe(next -> {
            restore(next); // first, as in a recovery
            RealtimeSession old;
            synchronized (lock) {
                old = current;
                if (closed || old == null) {
                    next.closeGracefully().subscribe(null, e -> { });
                    return;
                }
                pastUndecodable += old.undecodableFrames();
                pastDropped += old.droppedEvents();
                forwarding.dispose();
                attach(next); // under the same lock: a close meanwhile finds the old connection or the new one, never neither
            }
            old.closeGracefully().subscribe(null, e -> { });
            reconnections.tryEmitNext(new Reconnection(1, Duration.ZERO, "planned renewal (took "
                    + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms)", policy.restore(), true));
        }, failure -> { }); // keep the old one; if it expires, recovery takes over
    }

    private void finish(Throwable error) {
        cancelRenewal();
        if (error == null) {
            finalStatus.tryEmitValue(new CloseStatus(1000, "client closed"));
            events.tryEmitComplete();
        } else {
            finalStatus.tryEmitValue(error instanceof SessionEndedException ended ? ended.closeStatus() : CloseStatus.ABNORMAL);
            events.tryEmitError(error);
        }
        reconnections.tryEmitComplete();
    }

    private static String describe(Throwable error) {
        return error == null ? "the server closed the session" : error.getMessage();
    }

    @Override
    public Flux<ServerEvent> events() {
        return subscriberBuffers.each(events.asFlux());
    }

    @Override
    public void send(ClientEvent event) {
        RealtimeSession session = current;
        if (closed) {
            throw new IllegalStateException("the session has ended; " + event.type() + " was not sent");
        }
        if (session == null) {
            throw new IllegalStateException("reconnecting; " + event.type() + " was not sent");
        }
        session.send(event);
        if (event instanceof ClientEvent.SessionUpdate update) {
            sessionUpdates.add(update.session());
        }
    }

    @Override
    public Dialect dialect() {
        return client.endpoint().dialect();
    }

    /**
     * Sends are refused, and no new connection is opened, from this call on (as for a plain session). Closes the
     * current connection, whose end ends this session; between connections, there is nothing to close and the
     * session ends at once.
     */
    @Override
    public Mono<Void> closeGracefully() {
        RealtimeSession session;
        synchronized (lock) {
            closed = true;
            session = current;
        }
        cancelRenewal();
        Disposable recovery = reconnecting;
        if (recovery != null) {
            recovery.dispose(); // a connection opened now would only be closed again
        }
        if (session == null) {
            finish(null);
            return Mono.empty();
        }
        return session.closeGracefully();
    }

    @Override
    public Mono<CloseStatus> closeStatus() {
        return finalStatus.asMono();
    }

    @Override
    public long undecodableFrames() {
        RealtimeSession session = current;
        return pastUndecodable + (session == null ? 0 : session.undecodableFrames());
    }

    @Override
    public long droppedEvents() {
        RealtimeSession session = current;
        return pastDropped + subscriberBuffers.dropped() + (session == null ? 0 : session.droppedEvents());
    }

    @Override
    public String toString() {
        return "ReconnectingSession[" + client + ", " + policy + "]";
    }
}
