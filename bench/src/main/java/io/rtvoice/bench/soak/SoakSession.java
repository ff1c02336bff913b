package io.rtvoice.bench.soak;

import io.rtvoice.RealtimeClient;
import io.rtvoice.RealtimeSession;
import io.rtvoice.ReconnectPolicy;
import io.rtvoice.conversation.Conversation;
import io.rtvoice.conversation.ConversationException;
import io.rtvoice.conversation.ConversationResponse;
import io.rtvoice.event.Response;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.event.SessionConfig;
import io.rtvoice.event.TurnDetection;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.Disposable;

/**
 * One simulated user for the whole soak: opens a reconnecting session, holds a conversation of
 * {@code turnsPerSession} turns (200 ms of audio up, cleared; a text message; a spoken answer down), hangs
 * up and calls again, until the deadline. Every turn ends in a counted outcome; none may hang.
 */
final class SoakSession implements Runnable {

    private static final byte[] FRAME_20MS = new byte[960];
    private static final SessionConfig NO_VAD = SessionConfig.builder().turnDetection(TurnDetection.DISABLED).build();

    private final int index;
    private final RealtimeClient client;
    private final ReconnectPolicy policy;
    private final int turnsPerSession;
    private final Duration turnTimeout;
    private final long deadlineNanos;
    private final SoakStats stats;
    private final SecretWatch secrets;
    long turnsCompleted;

    SoakSession(int index, RealtimeClient client, ReconnectPolicy policy, int turnsPerSession, Duration turnTimeout,
            long deadlineNanos, SoakStats stats, SecretWatch secrets) {
        this.index = index;
        this.client = client;
        this.policy = policy;
        this.turnsPerSession = turnsPerSession;
        this.turnTimeout = turnTimeout;
        this.deadlineNanos = deadlineNanos;
        this.stats = stats;
        this.secrets = secrets;
    }

    @Override
    public void run() {
        while (!over()) {
            try {
                oneCall();
            } catch (RuntimeException e) {
                secrets.scan("a failed call", e);
                stats.outcome(classify(e));
            }
        }
    }

    private boolean over() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    private void oneCall() {
        RealtimeSession session = client.connect(policy).block(turnTimeout);
        stats.sessionsOpened.increment();
        Disposable reconnections = session.reconnections().subscribe(r -> {
            stats.reconnections.increment();
            stats.reconnectionCause(r.cause());
            secrets.scan("a reconnection's cause", r.cause());
        });
        // A subscriber for the whole call: it must be told when the call ends, however it ends.
        CountDownLatch ended = new CountDownLatch(1);
        Disposable watcher = session.events().subscribe(event -> {
            if (event instanceof ServerEvent.ResponseOutputAudioDelta delta) {
                stats.audioBytes.add(delta.delta().length);
            } else if (event instanceof ServerEvent.Error error && error.error() != null) {
                secrets.scan("an error event", error.error().message());
            }
        }, error -> {
            secrets.scan("the events' error", error);
            ended.countDown();
        }, ended::countDown);
        Conversation conversation = Conversation.over(session);
        try {
            conversation.configure(NO_VAD).block(turnTimeout);
            for (int turn = 0; turn < turnsPerSession && !over(); turn++) {
                try {
                    oneTurn(conversation, turn);
                } catch (RuntimeException e) {
                    secrets.scan("a failed turn", e);
                    stats.outcome(classify(e));
                    if (session.closeStatus().toFuture().isDone()) {
                        return; // gave up reconnecting (or closed): call again
                    }
                }
            }
        } finally {
            reconnections.dispose();
            try {
                conversation.close();
            } catch (RuntimeException e) {
                secrets.scan("a close", e);
                stats.outcome("close: " + classify(e));
            }
            awaitEnd(session, ended);
            watcher.dispose();
        }
    }

    /** The call's subscriber must have been told the session ended; its close status must not quote the key. */
    private void awaitEnd(RealtimeSession session, CountDownLatch ended) {
        try {
            if (!ended.await(turnTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stats.outcome(SoakStats.HUNG_SUBSCRIBER);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var status = session.closeStatus().toFuture().getNow(null);
        if (status != null) {
            secrets.scan("a close status", String.valueOf(status));
        }
    }

    private void oneTurn(Conversation conversation, int turn) {
        for (int i = 0; i < 10; i++) {
            conversation.appendAudio(FRAME_20MS);
        }
        conversation.clearAudio();
        conversation.addUserText("Caller " + index + ", turn " + turn + ".");
        Response done = conversation.respond().flatMap(ConversationResponse::done).block(turnTimeout);
        if ("completed".equals(done.status())) {
            turnsCompleted++;
            stats.turnsCompleted.increment();
        } else {
            stats.outcome("response " + done.status());
        }
    }

    /** A short name for how a turn ended, for the report's table. */
    static String classify(Throwable e) {
        if (e instanceof ConversationException c) {
            return "service error " + (c.error().code() != null ? c.error().code() : c.error().type());
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return SoakStats.HUNG;
            }
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        // The message's start tells refusals apart (e.g. a send while reconnecting); ids and numbers are cut off.
        String kind = message.split("[:;(0-9]", 2)[0].strip();
        return e.getClass().getSimpleName() + (kind.isEmpty() ? "" : ": " + (kind.length() > 60 ? kind.substring(0, 60) : kind));
    }
}
