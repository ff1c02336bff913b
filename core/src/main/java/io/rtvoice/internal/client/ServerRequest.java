package io.rtvoice.internal.client;

import io.rtvoice.RealtimeSession;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.RealtimeError;
import io.rtvoice.event.ServerEvent;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/** A client event sent for the server's answer to it, as the high-level APIs ask: answered, refused, or ended. */
public final class ServerRequest {

    /** What an {@code error} event that carries no {@code error} object is taken to say. */
    public static final RealtimeError UNDESCRIBED_ERROR = new RealtimeError("server_error", "undescribed_error",
            "the server sent an error event with no error object", null, null);

    private ServerRequest() {
    }

    /**
     * Sends {@code request} once listening for {@code answer} and for an error event about it is in place
     * (so a fast server cannot answer unheard); the first of {@code answer}, such an error (made into
     * {@code refused}'s exception) and {@code interrupted} decides.
     *
     * @param endCause why the session ended, or null: what a request fails with when the session ends before it is decided
     */
    public static <T> Mono<T> send(RealtimeSession session, ClientEvent request, Mono<T> answer,
            Function<RealtimeError, RuntimeException> refused, Mono<T> interrupted, Supplier<Throwable> endCause) {
        // An error about another event (the service names it by event_id) is not this request's; one that
        // names no event cannot be told apart, so it fails the request rather than leave it hanging.
        Mono<T> failed = session.events().ofType(ServerEvent.Error.class)
                .filter(e -> e.error() == null || e.error().eventId() == null || e.error().eventId().equals(request.eventId())).next()
                .flatMap(e -> Mono.error(refused.apply(e.error() != null ? e.error() : UNDESCRIBED_ERROR)));
        // The session's end completes the streams before its error reaches `failed`: an answer that ends
        // empty is that end, never a success with nothing in it (a caller's block() would return null).
        Mono<T> decided = Mono.firstWithSignal(answer, failed, interrupted).switchIfEmpty(Mono.error(() -> {
            Throwable cause = endCause.get();
            return cause != null ? cause : new IllegalStateException("the session ended before the server answered");
        }));
        return Mono.create(sink -> {
            sink.onDispose(decided.subscribe(sink::success, sink::error));
            try {
                session.send(request);
            } catch (RuntimeException e) {
                sink.error(e);
            }
        });
    }
}
