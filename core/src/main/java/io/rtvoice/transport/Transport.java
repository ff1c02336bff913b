package io.rtvoice.transport;

import reactor.core.publisher.Mono;

/**
 * A message-oriented duplex connection factory: text frames in, text frames out (the Realtime
 * protocol's JSON). Implementations are found with {@link java.util.ServiceLoader} through
 * {@link TransportProvider}, or passed to the client builder. Thread-safe.
 */
public interface Transport {

    /**
     * Opens a connection. The {@code Mono} fails with {@link TransportException} when the connection or
     * the handshake fails (with the HTTP status where there was one).
     */
    Mono<TransportConnection> connect(TransportRequest request);
}
