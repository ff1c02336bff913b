package io.rtvoice.internal.client;

import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code close()} of the {@link AutoCloseable}s whose real close is a {@code Mono} (a session, a
 * conversation): it waits where waiting is allowed, and never on a non-blocking thread, where Reactor's
 * {@code block()} throws and where waiting would stall the very event loop that has to carry the close.
 */
public final class CloseFromAnyThread {

    /** How long a close waits on an ordinary thread: a graceful close's flush (5 s), then its close handshake (5 s). */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private CloseFromAnyThread() {
    }

    /**
     * Subscribes to {@code close}; on an ordinary thread, waits up to {@link #WAIT} for it to complete
     * (and throws what it fails with, or {@link IllegalStateException} when it took longer).
     */
    public static void close(Mono<Void> close) {
        if (Schedulers.isInNonBlockingThread()) {
            close.subscribe(null, e -> { }); // how it ended is the session's to report: closeStatus(), events()
        } else {
            close.block(WAIT); // the one block() in core's main code, and only where blocking is allowed
        }
    }
}
