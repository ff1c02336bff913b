package io.rtvoice.transport;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
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
     * The text frames received, lent to {@code receiver} in wire order without a copy of their own: each
     * frame's UTF-8 bytes are valid only during {@link Receiver#frame}, and the transport reuses or releases
     * them after it. Use this or {@link #inbound()}, once. The default lends the arrays of {@link #inbound()};
     * a transport with pooled buffers lends those.
     */
    default void receive(Receiver receiver) {
        inbound().subscribe(frame -> receiver.frame(ByteBuffer.wrap(frame)), receiver::failed, receiver::completed);
    }

    /**
     * Sends {@code frames} (UTF-8 JSON, one text frame each) in order; call once. The returned
     * {@code Mono} completes when the publisher completes and everything was written.
     */
    Mono<Void> send(Publisher<byte[]> frames);

    /**
     * {@link #send(Publisher)}, handing each array to {@code written} once the transport no longer needs it
     * (written, or dropped with the connection), so that the sender can reuse it; from any thread, at most once
     * per array. The default hands nothing back: the arrays are left to the garbage collector.
     */
    default Mono<Void> send(Publisher<byte[]> frames, Consumer<byte[]> written) {
        return send(frames);
    }

    /** Closes with a close frame ({@code code}, {@code reason}); completes when the connection is closed. */
    Mono<Void> close(int code, String reason);

    /** How the connection ended: the peer's close frame, or 1006 when it ended without one. */
    Mono<CloseStatus> closeStatus();

    /** The subprotocol the server selected, or {@code null}. */
    String subprotocol();

    /** Takes the frames {@link #receive} lends, on the connection's thread, one at a time. */
    interface Receiver {
        /**
         * One text frame: its UTF-8 bytes between {@code utf8}'s position and limit. Lent: read it during the
         * call (the buffer may be read-only, direct, or a view of a larger one) and keep no reference to it.
         */
        void frame(ByteBuffer utf8);

        /** The connection closed (see {@link #closeStatus()}); no frame follows. */
        void completed();

        /** The connection broke ({@link TransportException}); no frame follows. */
        void failed(Throwable error);
    }
}
