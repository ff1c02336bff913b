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
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The real WebSocket transport, with a clock at its boundary: every frame the client hands it and every frame it
 * delivers is stamped ({@link System#nanoTime()}) before anything else is done with it, and given to the
 * connection's {@link WireClock}. Each connection's clock is queued for whoever waits for it in {@link #nextOpened}.
 */
final class TimedTransport implements Transport {

    private final Transport real = WebSocketTransport.create();
    private final BlockingQueue<WireClock> opened = new LinkedBlockingQueue<>();

    @Override
    public Mono<TransportConnection> connect(TransportRequest request) {
        return real.connect(request).map(connection -> {
            WireClock clock = new WireClock();
            opened.add(clock);
            return new Timed(connection, clock);
        });
    }

    /** The clock of the next connection opened (in the order they opened), waiting up to {@code timeout}. */
    WireClock nextOpened(Duration timeout) throws InterruptedException {
        WireClock clock = opened.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (clock == null) {
            throw new IllegalStateException("the relay opened no connection to the service within " + timeout);
        }
        return clock;
    }

    private static final class Timed implements TransportConnection {
        private final TransportConnection connection;
        private final WireClock clock;
        private final Flux<byte[]> inbound;

        Timed(TransportConnection connection, WireClock clock) {
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
