package io.rtvoice.bench.relay;

import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.Transport;
import io.rtvoice.transport.TransportConnection;
import io.rtvoice.transport.TransportRequest;
import io.rtvoice.transport.websocket.WebSocketTransport;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The real WebSocket transport, with a clock at its boundary: every frame the client hands it and every frame it
 * delivers is stamped ({@link System#nanoTime()}) before anything else is done with it, and given to the
 * connection's {@link Clock} (one per connection, from the supplier). Each connection's clock is queued for whoever
 * waits for it in {@link #nextOpened}. The {@code relay} and {@code sip} commands each give it their own clock.
 *
 * @param <C> the clock each connection gets
 */
public final class TimedTransport<C extends TimedTransport.Clock> implements Transport {

    /**
     * Told of one connection's frames as they cross the transport, on the connection's threads: it must not wait.
     * The frames stay the transport's; a clock reads them and keeps no reference.
     */
    public interface Clock {
        /** The client handed {@code frame} to the transport at {@code nanos} ({@link System#nanoTime()}). */
        void outbound(long nanos, byte[] frame);

        /** The transport delivered {@code frame} to the client at {@code nanos} ({@link System#nanoTime()}). */
        void inbound(long nanos, byte[] frame);
    }

    private final Transport real = WebSocketTransport.create();
    private final Supplier<C> clocks;
    private final BlockingQueue<C> opened = new LinkedBlockingQueue<>();

    /** Each connection gets a new clock from {@code clocks}. */
    public TimedTransport(Supplier<C> clocks) {
        this.clocks = clocks;
    }

    @Override
    public Mono<TransportConnection> connect(TransportRequest request) {
        return real.connect(request).map(connection -> {
            C clock = clocks.get();
            opened.add(clock);
            return new Timed(connection, clock);
        });
    }

    /** The clock of the next connection opened (in the order they opened), waiting up to {@code timeout}. */
    public C nextOpened(Duration timeout) throws InterruptedException {
        C clock = opened.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (clock == null) {
            throw new IllegalStateException("no connection to the service was opened within " + timeout);
        }
        return clock;
    }

    private static final class Timed implements TransportConnection {
        private final TransportConnection connection;
        private final Clock clock;
        private final Flux<byte[]> inbound;

        Timed(TransportConnection connection, Clock clock) {
            this.connection = connection;
            this.clock = clock;
            this.inbound = connection.inbound().doOnNext(frame -> clock.inbound(System.nanoTime(), frame));
        }

        @Override
        public Flux<byte[]> inbound() {
            return inbound;
        }

        @Override
        public Mono<Void> send(Publisher<byte[]> frames) {
            return connection.send(Flux.from(frames).doOnNext(frame -> clock.outbound(System.nanoTime(), frame)));
        }

        @Override
        public Mono<Void> close(int code, String reason) {
            return connection.close(code, reason);
        }

        @Override
        public Mono<CloseStatus> closeStatus() {
            return connection.closeStatus();
        }

        @Override
        public String subprotocol() {
            return connection.subprotocol();
        }
    }
}
