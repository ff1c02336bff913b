package io.rtvoice;

import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.ServerEvent;
import io.rtvoice.internal.client.CloseFromAnyThread;
import io.rtvoice.transport.CloseStatus;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** One connection to the Realtime API. Thread-safe. */
public interface RealtimeSession extends AutoCloseable {

    /**
     * The server's events, decoded, in wire order: one hot stream that any number of subscribers share
     * (events before the first subscriber are kept for it). Completes after {@link #close()}; fails with
     * {@link SessionEndedException} when the server closes the session or the connection breaks.
     *
     * <p>Events are delivered on the connection's thread. Each subscriber has a bounded buffer for the
     * demand it has not yet signalled; one that falls further behind is handled by the client's
     * {@link SlowSubscriberPolicy}. A subscriber that <em>blocks</em> in {@code onNext} holds up its
     * connection instead (TCP flow control then bounds memory): move slow work off with {@code publishOn}.
     */
    Flux<ServerEvent> events();

    /**
     * Queues {@code event} to be written. Any number of threads may send; each thread's events are
     * written in the order it sent them, and nothing is refused as busy. When the send queue (see
     * {@link RealtimeClient.Builder#sendQueueCapacity}) is full, the caller waits for room for up to 10 s
     * and then gets {@link SendQueueFullException}; on a non-blocking thread (an event loop) it gets that
     * exception at once, since waiting there could stall the writer. Throws
     * {@link io.rtvoice.event.EventEncodeException} for a setting the dialect cannot express,
     * {@link FrameTooLargeException} when the encoded event is larger than the client's
     * {@link RealtimeClient.Builder#maxFrameBytes maxFrameBytes} (nothing is sent and the session stays
     * open), and {@link IllegalStateException} after the session ended.
     */
    void send(ClientEvent event);

    /**
     * Routes the audio of the output audio deltas ({@code response.output_audio.delta}) to {@code sink} from now
     * on: decoded from the received frame straight into the sink, with no event and no array of its own, on the
     * connection's thread, before the delta's event. That event still comes, in order, with its ids and an
     * empty {@link ServerEvent.ResponseOutputAudioDelta#delta() delta} (and no event id), so that what counts or
     * times deltas goes on working. Any number of routes each get every delta, in the order they were added
     * (a recorder beside the player); a route must not throw: one that does misses that delta, and the others and the
     * connection go on (its audio is not put back in the event, which a player of events would play twice). Disposing the returned
     * handle ends the route; with none left, the events carry the audio again. This is the voice path's way to the
     * playout buffer ({@link io.rtvoice.voice.VoiceSession} routes the audio of the conversation it plays).
     *
     * @throws UnsupportedOperationException when this session cannot route (the default)
     */
    default Disposable routeAudio(EventCodec.AudioSink sink) {
        throw new UnsupportedOperationException("this session delivers audio only in its events");
    }

    /** The dialect of this session. */
    Dialect dialect();

    /**
     * Closes with 1000; completes when the connection is closed. Idempotent. Every send that returned
     * is written before the close frame (waiting up to 5 s), sends after this call are refused, and the
     * server's events up to its answering close frame are still delivered (a server that does not
     * answer within 5 s is cut off).
     */
    Mono<Void> closeGracefully();

    /** How the session ended, once it has. */
    Mono<CloseStatus> closeStatus();

    /** Frames that could not be decoded and were skipped (see {@link io.rtvoice.event.EventDecodeException}). */
    long undecodableFrames();

    /**
     * Events lost to slow subscribers under {@link SlowSubscriberPolicy#DROP_OLDEST}, plus any that
     * arrived while nobody had subscribed yet and the start-up buffer was full (summed over subscribers).
     */
    default long droppedEvents() {
        return 0;
    }

    /**
     * Every time a new connection replaced a lost or expiring one, as it happens. Empty, completing at
     * once, for a session opened with {@link RealtimeClient#connect()}: that one ends with its connection.
     * With {@link RealtimeClient#connect(ReconnectPolicy)} it completes when the session ends.
     */
    default Flux<Reconnection> reconnections() {
        return Flux.empty();
    }

    /**
     * {@link #closeGracefully()}; safe from any thread. On an ordinary thread it waits, up to 10 s; on a
     * non-blocking one (an event loop, where waiting would stall the very connection being closed) it
     * starts the close and returns at once.
     */
    @Override
    default void close() {
        CloseFromAnyThread.close(closeGracefully());
    }
}
