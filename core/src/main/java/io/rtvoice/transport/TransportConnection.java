package io.rtvoice.transport;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** One open connection. */
public interface TransportConnection {

    /**
     * The text frames received, as UTF-8 bytes, in wire order. Completes when the connection closes
     * (see {@link #closeStatus()}); fails with {@link TransportException} when it breaks. Subscribe once.
     */
    Flux<byte[]> inbound();

    /**
     * Sends {@code frames} (UTF-8 JSON, one text frame each) in order; call once. The returned
     * {@code Mono} completes when the publisher completes and everything was written.
     */
    Mono<Void> send(Publisher<byte[]> frames);

    /** Closes with a close frame ({@code code}, {@code reason}); completes when the connection is closed. */
    Mono<Void> close(int code, String reason);

    /** How the connection ended: the peer's close frame, or 1006 when it ended without one. */
    Mono<CloseStatus> closeStatus();

    /** The subprotocol the server selected, or {@code null}. */
    String subprotocol();
}
