package io.rtvoice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtvoice.transport.CloseStatus;
import io.rtvoice.transport.Transport;
import io.rtvoice.transport.TransportConnection;
import io.rtvoice.transport.TransportRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A real transport, keeping every event sent and received and every connection: what went on the wire. */
public final class RecordingTransport implements Transport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Transport real;
    /** Every client event sent, in order. */
    public final List<JsonNode> sent = new CopyOnWriteArrayList<>();
    /** Every server event received, in order. */
    public final List<JsonNode> received = new CopyOnWriteArrayList<>();
    /** Every connection made. */
    public final List<TransportConnection> connections = new CopyOnWriteArrayList<>();

    /** Records what {@code real} sends and receives. */
    public RecordingTransport(Transport real) {
        this.real = real;
    }

    @Override
    public Mono<TransportConnection> connect(TransportRequest request) {
        return real.connect(request).map(connection -> {
            connections.add(connection);
            return new TransportConnection() {
                @Override
                public Flux<byte[]> inbound() {
                    return connection.inbound().doOnNext(frame -> received.add(parse(frame)));
                }

                @Override
                public Mono<Void> send(Publisher<byte[]> frames) {
                    return connection.send(Flux.from(frames).doOnNext(frame -> sent.add(parse(frame))));
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
            };
        });
    }

    private static JsonNode parse(byte[] frame) {
        try {
            return JSON.readTree(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The events of this type sent so far. */
    public List<JsonNode> sent(String type) {
        return sent.stream().filter(e -> type.equals(e.path("type").asText())).toList();
    }

    /** The events of this type received so far. */
    public List<JsonNode> received(String type) {
        return received.stream().filter(e -> type.equals(e.path("type").asText())).toList();
    }
}
