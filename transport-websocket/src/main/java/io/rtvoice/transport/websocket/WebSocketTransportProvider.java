package io.rtvoice.transport.websocket;

import io.rtvoice.transport.Transport;
import io.rtvoice.transport.TransportProvider;

/** Registers {@link WebSocketTransport} as {@code websocket} for {@link java.util.ServiceLoader}. */
public final class WebSocketTransportProvider implements TransportProvider {

    /** For {@link java.util.ServiceLoader}. */
    public WebSocketTransportProvider() {
    }

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Transport create() {
        return WebSocketTransport.create();
    }
}
